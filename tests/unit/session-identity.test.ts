import { describe, expect, it } from 'vitest';
import {
  SESSION_TAG_KEYS,
  STS_TAG_VALUE_MAX,
  sessionIdentityFor,
  sourceIdentityFor,
  validateTaggedGroups,
} from '../../lib/aws/session-identity.js';
import { localToolCredentialsSource } from '../../lib/aws/local-credentials.js';
import { stsEndpoint } from '../../lib/aws/sts-endpoint.js';
import { parseAssumeRoleResponse, stsErrorOf } from '../../lib/aws/sts-response.js';
import type { CallerIdentity } from '../../lib/identity.js';

const caller = (overrides: Partial<CallerIdentity> = {}): CallerIdentity => ({
  principal: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
  authMethod: 'jwt',
  sub: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
  username: 'alice@example.com',
  clientId: 'client-1',
  scopes: ['read'],
  groups: [],
  tokenId: 'jti-1',
  expiresAt: 2_000_000_000,
  clientTrust: 'dynamic',
  ...overrides,
});
const STS_NAME = /^[\w+=,.@-]{2,64}$/;

describe('sourceIdentityFor (STS: 2-64 characters of [\\w+=,.@-])', () => {
  it('keeps a principal STS accepts: a Cognito sub, an API key owner of allowed characters', () => {
    expect(sourceIdentityFor('8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b')).toBe('8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b');
    expect(sourceIdentityFor('ci-bot@example.com')).toBe('ci-bot@example.com');
  });

  it.each([
    ['a colon', 'team:ci', /^team_ci=[A-Za-z0-9_-]{22}$/],
    ['one character', 'x', /^x=[A-Za-z0-9_-]{22}$/],
    ['200 characters', 'a'.repeat(200), /^a{41}=[A-Za-z0-9_-]{22}$/],
    ['letters outside ASCII', 'jürgen', /^j_rgen=[A-Za-z0-9_-]{22}$/],
    ['the shape of a mapped value', `x=${'A'.repeat(22)}`, /^x_A{22}=[A-Za-z0-9_-]{22}$/],
  ])('maps a principal with %s deterministically into STS form', (_label, principal, shape) => {
    const mapped = sourceIdentityFor(principal);
    expect(mapped).toMatch(shape);
    expect(mapped).toMatch(STS_NAME);
    expect(sourceIdentityFor(principal)).toBe(mapped);
  });

  it('maps different principals to different values, even when they read alike', () => {
    const principals = ['team:ci', 'team_ci', 'team/ci', 'a'.repeat(200), `${'a'.repeat(199)}b`, 'x', 'y'];
    const mapped = principals.map(sourceIdentityFor);
    expect(new Set(mapped).size).toBe(principals.length);
    // No verbatim principal equals another's mapped form: mapped values of mapped values differ again.
    for (const value of mapped) if (value !== 'team_ci') expect(sourceIdentityFor(value)).not.toBe(value);
  });
});

describe('sessionIdentityFor', () => {
  it('tags principal, client source and auth method, from the verified identity only', () => {
    expect(sessionIdentityFor(caller())).toEqual({
      tags: [
        { key: 'principal', value: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b' },
        { key: 'client_source', value: 'dynamic' },
        { key: 'auth_method', value: 'jwt' },
      ],
      sourceIdentity: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
      roleSessionName: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
    });
  });

  it('uses only the tag keys the trust policy accepts', () => {
    const keys = sessionIdentityFor(caller({ groups: ['ops'] }), ['ops']).tags.map((tag) => tag.key);
    expect(keys).toEqual([...SESSION_TAG_KEYS]);
  });

  it('tags only the configured groups the caller is in, sorted, and an empty list as //', () => {
    const groups = (member: string[]) => sessionIdentityFor(caller({ groups: member }), ['ops', 'editors']).tags.find((tag) => tag.key === 'groups')?.value;
    expect(groups(['ops', 'other', 'editors'])).toBe('/editors/ops/');
    expect(groups(['other'])).toBe('//');
  });

  it('never maps the principal tag (it is compared with the notes partition key): one STS cannot carry is refused', () => {
    for (const principal of ['', 'a\u0000b', 'semi;colon', 'x'.repeat(STS_TAG_VALUE_MAX + 1)]) {
      expect(() => sessionIdentityFor(caller({ principal })), JSON.stringify(principal)).toThrow(/cannot be a session tag value/);
    }
    // Every API key owner the CLI accepts ([A-Za-z0-9._@:+-]{1,128}) is a valid tag value.
    expect(sessionIdentityFor(caller({ principal: 'Ops.team+ci@example.com:01-' })).tags[0]!.value).toBe('Ops.team+ci@example.com:01-');
  });
});

describe('validateTaggedGroups', () => {
  it('accepts Cognito group names that are tag values, de-duplicated and sorted', () => {
    expect(validateTaggedGroups(['ops', 'mcp-admins', 'ops'])).toEqual(['mcp-admins', 'ops']);
  });

  it.each([['a/b'], ['with#hash'], ['']])('refuses %j, which cannot be a tag value or contains the separator', (group) => {
    expect(() => validateTaggedGroups([group])).toThrow(/cannot be a session tag value/);
  });

  it('refuses groups that together exceed one tag value (256 characters)', () => {
    const groups = [...Array(5)].map((_, index) => `${index}${'g'.repeat(60)}`);
    expect(() => validateTaggedGroups(groups)).toThrow(/exceed 256/);
  });
});

describe('parseAssumeRoleResponse and stsErrorOf (STS Query API XML)', () => {
  const response = (credentials: string) =>
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><SourceIdentity>alice</SourceIdentity><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/alice</Arn><AssumedRoleId>AROA123:alice</AssumedRoleId></AssumedRoleUser><Credentials>${credentials}</Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;

  it('reads the credentials, decoding XML entities', () => {
    const result = parseAssumeRoleResponse(
      response('<AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>a&#43;b/c</SecretAccessKey><SessionToken>t&amp;k&#x3D;</SessionToken><Expiration>2026-12-01T23:00:00Z</Expiration>'),
      200,
    );
    expect(result).toEqual({
      accessKeyId: 'ASIAX',
      secretAccessKey: 'a+b/c',
      sessionToken: 't&k=',
      expiration: new Date('2026-12-01T23:00:00Z'),
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/r/alice',
      assumedRoleId: 'AROA123:alice',
      sourceIdentity: 'alice',
      packedPolicySize: 6,
    });
  });

  it.each([
    ['no SessionToken', '<AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><Expiration>2026-12-01T23:00:00Z</Expiration>'],
    ['an unreadable Expiration', '<AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>soon</Expiration>'],
  ])('refuses an answer with %s as InvalidResponse', (_label, credentials) => {
    expect(() => parseAssumeRoleResponse(response(credentials), 200)).toThrow(expect.objectContaining({ name: 'InvalidResponse' }));
  });

  it('names errors by STS code and marks throttling and 5xx retryable', () => {
    const error = (code: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>1</RequestId></ErrorResponse>`;
    expect(stsErrorOf(error('AccessDenied'), 403)).toMatchObject({ name: 'AccessDenied', retryable: false, statusCode: 403 });
    expect(stsErrorOf(error('PackedPolicyTooLarge'), 400)).toMatchObject({ name: 'PackedPolicyTooLarge', retryable: false });
    expect(stsErrorOf(error('Throttling'), 400)).toMatchObject({ name: 'Throttling', retryable: true });
    expect(stsErrorOf('<html>bad gateway</html>', 502)).toMatchObject({ name: 'Http502Error', retryable: true });
  });
});

describe('stsEndpoint (as the AWS SDK v3 picks it)', () => {
  it.each([
    [{}, 'eu-west-1', 'https://sts.eu-west-1.amazonaws.com'],
    [{}, 'cn-north-1', 'https://sts.cn-north-1.amazonaws.com.cn'],
    [{ AWS_USE_FIPS_ENDPOINT: 'true' }, 'us-east-1', 'https://sts-fips.us-east-1.amazonaws.com'],
    [{ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566/' }, 'eu-west-1', 'http://127.0.0.1:4566'],
    [{ AWS_ENDPOINT_URL: 'https://vpce.example.com' }, 'eu-west-1', 'https://vpce.example.com'],
  ])('%j in %s: %s', (env, region, expected) => {
    expect(stsEndpoint(env, region)).toBe(expected);
  });

  it('refuses what it cannot resolve', () => {
    expect(() => stsEndpoint({}, '')).toThrow(/AWS_REGION/);
    expect(() => stsEndpoint({ AWS_ENDPOINT_URL_STS: 'not a url' }, 'us-iso-east-1')).toThrow(/AWS_ENDPOINT_URL_STS/);
    expect(() => stsEndpoint({ AWS_ENDPOINT_URL_STS: 'ftp://x' }, 'eu-west-1')).toThrow(/http/);
  });
});

describe('localToolCredentialsSource (the local-only credentials source)', () => {
  it('is undefined when unset or empty, whatever else is set', () => {
    expect(localToolCredentialsSource({})).toBeUndefined();
    expect(localToolCredentialsSource({ LOCAL_TOOL_CREDENTIALS: '', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBeUndefined();
  });

  it('is honoured only under serverless-offline, outside the Lambda runtime, with its one value', () => {
    expect(localToolCredentialsSource({ LOCAL_TOOL_CREDENTIALS: 'function-role', IS_OFFLINE: 'true' })).toBe('function-role');
    expect(() => localToolCredentialsSource({ LOCAL_TOOL_CREDENTIALS: 'function-role', IS_OFFLINE: 'TRUE' })).toThrow(/IS_OFFLINE is not true/);
    expect(() => localToolCredentialsSource({ LOCAL_TOOL_CREDENTIALS: 'function-role', IS_OFFLINE: 'true', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toThrow(
      /this is the AWS Lambda runtime/,
    );
    expect(() => localToolCredentialsSource({ LOCAL_TOOL_CREDENTIALS: 'static', IS_OFFLINE: 'true' })).toThrow(/its value is not "function-role"/);
  });
});
