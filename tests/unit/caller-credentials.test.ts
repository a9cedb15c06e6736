import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallerCredentialsOptions, callerCredentialsFromEnvironment, createCallerCredentials, stsIssuer } from '../../lib/aws/caller-credentials.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { type StsResponder, startStsResponder } from '../support/sts-responder.js';

/**
 * credentialsFor(caller) against a local STS responder that speaks AssumeRole's real wire format
 * and checks the SigV4 signature (tests/support/sts-responder.ts). It is a STAND-IN for AWS STS,
 * not an emulator of it: none can be installed here. Trust and permission policies are checked
 * separately, by the IAM simulator over the packaged template (tests/unit/iam-policies.test.ts).
 */
const REGION = 'eu-west-1';
const ROLE = 'arn:aws:iam::123456789012:role/secure-mcp-prod-CallerToolRole-ABCDEF123456';
const FUNCTION_KEY = { accessKeyId: 'ASIAFUNCTIONROLE0001', secretAccessKey: 'function-role-secret', sessionToken: 'function-role-session-token' };

let sts: StsResponder;
beforeAll(async () => {
  sts = await startStsResponder({ region: REGION, keys: [FUNCTION_KEY, { accessKeyId: 'AKIAOTHER', secretAccessKey: 'the-real-secret' }] });
});
afterAll(() => sts.close());
afterEach(() => {
  sts.requests.length = 0;
  sts.deny = undefined;
  sts.failNext(0, '', 0);
});

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
  clientTrust: 'operator',
  ...overrides,
});
const alice = caller();
const bob = caller({ principal: 'b0b0b0b0-1b4c-4e6f-9a7b-0c1d2e3f4a5b', sub: 'b0b0b0b0-1b4c-4e6f-9a7b-0c1d2e3f4a5b', username: 'bob@example.com' });

const viaSts = (overrides: Partial<CallerCredentialsOptions> = {}, key = FUNCTION_KEY) =>
  createCallerCredentials({ roleArn: ROLE, issue: stsIssuer({ region: REGION, endpoint: sts.endpoint, credentials: key }), ...overrides });

const tagsOf = (form: URLSearchParams) => {
  const tags: Record<string, string> = {};
  for (let index = 1; form.has(`Tags.member.${index}.Key`); index++) tags[form.get(`Tags.member.${index}.Key`)!] = form.get(`Tags.member.${index}.Value`)!;
  return tags;
};

describe('credentialsFor: the AssumeRole exchange (against the local STS stand-in)', () => {
  it('assumes the tool role for 900 s with the caller as SourceIdentity and session tags from the verified identity only', async () => {
    const credentials = await viaSts()(alice);
    expect(sts.requests).toHaveLength(1);
    const { form, headers } = sts.requests[0]!;
    expect(Object.fromEntries([...form].filter(([name]) => !name.startsWith('Tags.')))).toEqual({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE,
      RoleSessionName: alice.principal,
      SourceIdentity: alice.principal,
      DurationSeconds: '900',
    });
    // No TransitiveTagKeys, no session Policy/PolicyArns: nothing the caller or a tool could widen.
    expect(tagsOf(form)).toEqual({ principal: alice.principal, client_source: 'operator', auth_method: 'jwt' });
    // Signed by the function's role for STS in the function's region (the responder recomputed the signature).
    expect(headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${FUNCTION_KEY.accessKeyId}/\\d{8}/${REGION}/sts/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-security-token[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
    );
    expect(headers['x-amz-security-token']).toBe(FUNCTION_KEY.sessionToken);
    const issued = sts.issued.get(credentials.accessKeyId)!;
    expect({ ...credentials }).toEqual({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: expect.any(Date),
    });
    expect(credentials.expiration.getTime() - Date.now()).toBeGreaterThan(890_000);
  });

  it('is refused by STS when the request is signed with a wrong secret (the stand-in checks SigV4)', async () => {
    const forged = viaSts({}, { accessKeyId: 'AKIAOTHER', secretAccessKey: 'not-the-secret', sessionToken: '' });
    await expect(forged(alice)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', statusCode: 403 });
  });

  it('tags only the groups a policy needs, as /a/b/, and no groups tag when none is configured', async () => {
    const member = caller({ groups: ['ops', 'mcp-admins', 'unlisted'] });
    await viaSts({ taggedGroups: ['mcp-admins', 'ops', 'auditors'] })(member);
    expect(tagsOf(sts.requests[0]!.form).groups).toBe('/mcp-admins/ops/');
    await viaSts()(member);
    expect(tagsOf(sts.requests[1]!.form)).not.toHaveProperty('groups');
  });

  it('gives an API key the same, its owner as principal; an owner STS cannot take as SourceIdentity is mapped and accepted', async () => {
    const key = caller({ principal: 'team:ci-bot', sub: 'team:ci-bot', authMethod: 'api_key', clientId: 'api-key:k1' });
    await viaSts()(key);
    const { form } = sts.requests[0]!;
    expect(tagsOf(form)).toEqual({ principal: 'team:ci-bot', client_source: 'operator', auth_method: 'api_key' });
    expect(form.get('SourceIdentity')).toMatch(/^team_ci-bot=[A-Za-z0-9_-]{22}$/);
    expect(form.get('RoleSessionName')).toBe(form.get('SourceIdentity'));
  });

  it('reports STS refusals by their code and retries only what STS says to retry', async () => {
    sts.deny = () => 'User: arn:aws:sts::123456789012:assumed-role/mcp/fn is not authorized to perform: sts:TagSession';
    await expect(viaSts()(alice)).rejects.toMatchObject({ name: 'AccessDenied', statusCode: 403, retryable: false });
    expect(sts.requests).toHaveLength(1);
    sts.deny = undefined;

    sts.failNext(1, 'Throttling', 400);
    await expect(viaSts()(alice)).resolves.toHaveProperty('accessKeyId');
    expect(sts.requests).toHaveLength(3);

    sts.failNext(2, 'InternalFailure', 500);
    await expect(viaSts()(alice)).rejects.toMatchObject({ name: 'InternalFailure', statusCode: 500 });
    expect(sts.requests).toHaveLength(5);
  });

  it('gives up after its timeout', async () => {
    const gate = sts.hold();
    try {
      await expect(viaSts({ timeoutMs: 150 })(alice)).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      gate.release();
    }
  });
});

describe('credentialsFor: one AssumeRole per session and container', () => {
  it('answers a warm call from the cache, without any STS call', async () => {
    const credentialsFor = viaSts();
    const first = await credentialsFor(alice);
    for (let call = 0; call < 5; call++) expect(await credentialsFor(alice)).toBe(first);
    expect(sts.requests).toHaveLength(1);
  });

  it('keeps sessions apart: another principal, another client source, another auth method, another role', async () => {
    const other = 'arn:aws:iam::123456789012:role/secure-mcp-prod-OpsToolRole-ABCDEF123456';
    const credentialsFor = viaSts({ extraRoleArns: [other] });
    const sessions = await Promise.all([
      credentialsFor(alice),
      credentialsFor(bob),
      credentialsFor(caller({ clientTrust: 'dynamic' })),
      credentialsFor(caller({ authMethod: 'api_key' })),
      credentialsFor(alice, other),
    ]);
    expect(new Set(sessions.map((credentials) => credentials.accessKeyId)).size).toBe(5);
    expect(sts.requests).toHaveLength(5);
    expect(tagsOf(sts.requests.find((request) => tagsOf(request.form).client_source === 'dynamic')!.form).principal).toBe(alice.principal);
  });

  it('makes one STS call for concurrent calls of one session (single flight)', async () => {
    const credentialsFor = viaSts();
    const gate = sts.hold();
    const calls = [...Array(10)].map(() => credentialsFor(alice));
    const other = credentialsFor(bob);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.release();
    const results = await Promise.all(calls);
    await other;
    expect(new Set(results).size).toBe(1);
    expect(sts.requests.map((request) => tagsOf(request.form).principal).sort()).toEqual([alice.principal, bob.principal].sort());
  });

  it('replaces a session shortly before it expires (2 minutes by default), not earlier', async () => {
    let offsetMs = 0;
    const credentialsFor = viaSts({ now: () => Date.now() + offsetMs });
    const first = await credentialsFor(alice);
    offsetMs = first.expiration.getTime() - Date.now() - 121_000;
    expect(await credentialsFor(alice)).toBe(first);
    expect(sts.requests).toHaveLength(1);
    offsetMs = first.expiration.getTime() - Date.now() - 119_000;
    const second = await credentialsFor(alice);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.requests).toHaveLength(2);
  });

  it('keeps no failure: the call after a refusal asks STS again', async () => {
    const credentialsFor = viaSts();
    sts.deny = () => 'denied';
    await expect(credentialsFor(alice)).rejects.toMatchObject({ name: 'AccessDenied' });
    sts.deny = undefined;
    await expect(credentialsFor(alice)).resolves.toHaveProperty('accessKeyId');
    expect(sts.requests).toHaveLength(2);
  });

  it('keeps at most maxSessions sessions, dropping the least recently used', async () => {
    const credentialsFor = viaSts({ maxSessions: 2 });
    await credentialsFor(alice);
    await credentialsFor(bob);
    await credentialsFor(alice); // alice is now the most recent
    await credentialsFor(caller({ principal: 'carol', sub: 'carol' })); // bob goes
    await credentialsFor(alice);
    expect(sts.requests).toHaveLength(3);
    await credentialsFor(bob);
    expect(sts.requests).toHaveLength(4);
  });

  it('refuses a role that is not configured, before any STS call', async () => {
    await expect(viaSts()(alice, 'arn:aws:iam::123456789012:role/anything-else')).rejects.toThrow(/not configured/);
    expect(sts.requests).toHaveLength(0);
  });
});

describe('credentialsFor: never shown', () => {
  it('leaves the secret key and the session token out of JSON and inspect, and spreads to the four fields only', async () => {
    const credentials = await viaSts()(alice);
    for (const rendering of [JSON.stringify(credentials), JSON.stringify({ nested: { credentials } }), inspect(credentials), inspect({ credentials }), `${String(inspect([credentials]))}`]) {
      expect(rendering).not.toContain(credentials.secretAccessKey);
      expect(rendering).not.toContain(credentials.sessionToken);
      expect(rendering).not.toContain(credentials.accessKeyId);
    }
    expect(Object.keys({ ...credentials }).sort()).toEqual(['accessKeyId', 'expiration', 'secretAccessKey', 'sessionToken']);
  });
});

describe('callerCredentialsFromEnvironment', () => {
  const lambdaEnv = (extra: Record<string, string> = {}) => ({
    CALLER_TOOL_ROLE_ARN: ROLE,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FUNCTION_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FUNCTION_KEY.secretAccessKey,
    AWS_SESSION_TOKEN: FUNCTION_KEY.sessionToken,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    ...extra,
  });

  it('calls STS with the function role credentials Lambda provides, at the endpoint the AWS SDK would use', async () => {
    const credentialsFor = callerCredentialsFromEnvironment(lambdaEnv({ CALLER_SESSION_GROUPS: 'ops  mcp-admins' }));
    await credentialsFor(caller({ groups: ['ops'] }));
    expect(sts.requests).toHaveLength(1);
    expect(tagsOf(sts.requests[0]!.form).groups).toBe('/ops/');
  });

  it('refuses to start without a tool role ARN, or with a malformed one', () => {
    expect(() => callerCredentialsFromEnvironment(lambdaEnv({ CALLER_TOOL_ROLE_ARN: '' }))).toThrow(/CALLER_TOOL_ROLE_ARN/);
    expect(() => callerCredentialsFromEnvironment(lambdaEnv({ CALLER_TOOL_ROLE_ARN: 'secure-mcp-prod-CallerToolRole' }))).toThrow(/CALLER_TOOL_ROLE_ARN/);
  });

  it('refuses to start when a tagged group cannot be a tag value', () => {
    expect(() => callerCredentialsFromEnvironment(lambdaEnv({ CALLER_SESSION_GROUPS: 'ops a/b' }))).toThrow(/cannot be a session tag value/);
  });

  it('fails every call with ConfigurationError, sending nothing, when the environment has no credentials', async () => {
    const credentialsFor = callerCredentialsFromEnvironment(lambdaEnv({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }));
    await expect(credentialsFor(alice)).rejects.toMatchObject({ name: 'ConfigurationError' });
    expect(sts.requests).toHaveLength(0);
  });

  it('in the local stack, hands out the function credentials through the same cache, without STS, when LOCAL_TOOL_CREDENTIALS asks for it', async () => {
    const env = lambdaEnv({ IS_OFFLINE: 'true', LOCAL_TOOL_CREDENTIALS: 'function-role', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: '' });
    const credentialsFor = callerCredentialsFromEnvironment(env);
    const credentials = await credentialsFor(alice);
    expect({ ...credentials }).toMatchObject({ accessKeyId: 'local', secretAccessKey: 'local' });
    expect(await credentialsFor(alice)).toBe(credentials);
    expect(sts.requests).toHaveLength(0);
    // The session rules still apply: a principal no session could carry is refused there too.
    await expect(credentialsFor(caller({ principal: 'a\u0000b' }))).rejects.toThrow(/cannot be a session tag value/);
  });

  it.each([
    ['in the Lambda runtime (AWS_LAMBDA_RUNTIME_API)', { IS_OFFLINE: 'true', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }],
    ['in the Lambda runtime (AWS_EXECUTION_ENV)', { IS_OFFLINE: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }],
    ['outside serverless-offline (no IS_OFFLINE)', {}],
    ['with IS_OFFLINE=1', { IS_OFFLINE: '1' }],
  ])('refuses to start with the local source %s', (_label, extra) => {
    expect(() => callerCredentialsFromEnvironment(lambdaEnv({ LOCAL_TOOL_CREDENTIALS: 'function-role', ...extra }))).toThrow(
      /LOCAL_TOOL_CREDENTIALS is set but .*; it only works in the local stack/,
    );
  });
});
