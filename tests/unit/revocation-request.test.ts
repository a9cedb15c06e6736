import { describe, expect, it } from 'vitest';
import { isCognitoClientId } from '../../dcr/client-id.js';
import { type RevocationForm, revocationCredentials as clientCredentials } from '../../oauth/revoke/client-authentication.js';
import { BASIC_CHALLENGE, RevocationRequestError } from '../../oauth/revoke/errors.js';
import { MAX_REVOCATION_BODY_BYTES, loggedTokenTypeHint, readRevocationForm } from '../../oauth/revoke/revocation-request.js';
import { type RevocationDependencies, type RevocationRequest, newRevocationContext } from '../../oauth/revoke/context.js';
import { REVOKE_STEPS, revokeToken as runRevokeSteps } from '../../oauth/revoke/index.js';
import { MAX_TOKEN_LENGTH } from '../../oauth/revoke/token-shape.js';
import { formPost } from '../support/form-post.js';

const FORM: RevocationForm = { token: 'abc', tokenTypeHint: undefined, clientId: undefined, clientSecret: undefined };
/** REVOKE_STEPS over the form as it is sent. */
const revokeToken = ({ form, authorization }: { form: RevocationForm; authorization?: string | undefined }, dependencies: RevocationDependencies) =>
  runRevokeSteps(newRevocationContext(sent(form, authorization)), dependencies);
const sent = (form: RevocationForm, authorization: string | undefined): RevocationRequest =>
  formPost({ token: form.token, token_type_hint: form.tokenTypeHint, client_id: form.clientId, client_secret: form.clientSecret }, authorization);
const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

function refusalOf(run: () => unknown): RevocationRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RevocationRequestError);
    return error as RevocationRequestError;
  }
  throw new Error('expected a RevocationRequestError, nothing was thrown');
}

describe('isCognitoClientId (Cognito API reference: [\\w+]+, 1 to 128 characters)', () => {
  it.each(['44l3ab16a3olvyeo9yhr28s25', 'a', 'A_b+9', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(isCognitoClientId(id)).toBe(true);
  });
  it.each(['', 'x'.repeat(129), 'a'.repeat(2100), 'abc-def', 'abc.def', 'a/b', 'a b', 'é', 'a\u0000', 'abc%2F'])('refuses %j', (id) => {
    expect(isCognitoClientId(id)).toBe(false);
  });
  it('refuses what is not a string', () => {
    expect(isCognitoClientId(undefined)).toBe(false);
    expect(isCognitoClientId(42)).toBe(false);
  });
});

describe('clientCredentials (RFC 6749 §2.3.1)', () => {
  it('reads Basic credentials, raw or percent-encoded', () => {
    expect(clientCredentials(basic('client1:s3cret+x'), FORM)).toEqual({ clientId: 'client1', secret: 's3cret+x', method: 'client_secret_basic' });
    expect(clientCredentials(basic('client1:s3cret%2Bx'), FORM)).toEqual({ clientId: 'client1', secret: 's3cret+x', method: 'client_secret_basic' });
    expect(clientCredentials(`basic  ${Buffer.from('c:s').toString('base64').replace(/=+$/, '')}`, FORM)).toMatchObject({ clientId: 'c' });
  });

  it('reads client_id and client_secret from the form', () => {
    expect(clientCredentials(undefined, { ...FORM, clientId: 'client1', clientSecret: 's' })).toEqual({ clientId: 'client1', secret: 's', method: 'client_secret_post' });
    expect(clientCredentials('Bearer some-token', { ...FORM, clientId: 'client1' })).toMatchObject({ clientId: 'client1', method: 'none' });
  });

  it.each([
    ['invalid percent-encoding in the id', basic('%zz:x')],
    ['invalid percent-encoding in the secret', basic('abc:%E0%A4%A')],
    ['an id over 2,048 bytes', basic(`${'a'.repeat(2100)}:x`)],
    ['an id of 129 characters', basic(`${'a'.repeat(129)}:x`)],
    ['an id outside [\\w+]', basic('a-b:x')],
    ['a percent-encoded id outside [\\w+]', basic('a%2Fb:x')],
    ['no colon', basic('justaname')],
    ['an empty id', basic(':x')],
    ['bytes that are not UTF-8', `Basic ${Buffer.from([0x61, 0xff, 0x3a, 0x78]).toString('base64')}`],
    ['characters outside base64', 'Basic a$b'],
    ['non-canonical base64 (stray low bits)', 'Basic YWJjOnh='],
    ['nothing after Basic', 'Basic'],
  ])('refuses Basic credentials with %s: 401 invalid_client with a Basic challenge', (_name, header) => {
    const error = refusalOf(() => clientCredentials(header, FORM));
    expect(error).toMatchObject({ status: 401, code: 'invalid_client', challenge: BASIC_CHALLENGE });
  });

  it.each([
    ['none at all', {}, 401, 'invalid_client'],
    ['an id over 2,048 bytes', { clientId: 'a'.repeat(2100) }, 401, 'invalid_client'],
    ['an id outside [\\w+]', { clientId: '../x' }, 401, 'invalid_client'],
  ])('refuses form credentials with %s', (_name, fields, status, code) => {
    const error = refusalOf(() => clientCredentials(undefined, { ...FORM, ...fields }));
    expect(error).toMatchObject({ status, code, challenge: undefined });
  });

  it('refuses two authentication methods at once, and a body client_id that differs from Basic', () => {
    expect(refusalOf(() => clientCredentials(basic('c1:s'), { ...FORM, clientSecret: 's' }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(refusalOf(() => clientCredentials(basic('c1:s'), { ...FORM, clientId: 'c2' }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(clientCredentials(basic('c1:s'), { ...FORM, clientId: 'c1' })).toMatchObject({ clientId: 'c1', method: 'client_secret_basic' });
  });
});

describe('readRevocationForm', () => {
  const event = (body: string, contentType = 'application/x-www-form-urlencoded') => ({
    headers: { 'Content-Type': contentType },
    body,
    isBase64Encoded: false,
  });

  it('reads the four parameters', () => {
    expect(readRevocationForm(event('token=t&token_type_hint=refresh_token&client_id=c&client_secret=s'))).toEqual({
      token: 't', tokenTypeHint: 'refresh_token', clientId: 'c', clientSecret: 's',
    });
  });

  it.each(['token', 'token_type_hint', 'client_id', 'client_secret'])('refuses %s repeated: 400 invalid_request', (name) => {
    expect(refusalOf(() => readRevocationForm(event(`${name}=a&${name}=b`)))).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses a body over the bound: 413 invalid_request', () => {
    const body = `token=${'a'.repeat(MAX_REVOCATION_BODY_BYTES)}`;
    expect(refusalOf(() => readRevocationForm(event(body)))).toMatchObject({ status: 413, code: 'invalid_request' });
  });

  it('refuses another media type', () => {
    expect(refusalOf(() => readRevocationForm(event('{}', 'application/json')))).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});

describe('loggedTokenTypeHint', () => {
  it.each([
    [undefined, undefined],
    ['access_token', 'access_token'],
    ['refresh_token', 'refresh_token'],
    ['ACCESS_TOKEN', 'other'],
    ['x'.repeat(1_000_000), 'other'],
  ])('logs %j as %j', (hint, logged) => {
    expect(loggedTokenTypeHint(hint)).toBe(logged);
  });
});

/**
 * Which dependency calls a request leads to. The real ones (DynamoDB Local, cognito-local) are
 * exercised by tests/integration/revoke-endpoint.test.ts; here the point is to see that nothing is
 * called at all, which the emulators cannot show.
 */
function recordingDependencies() {
  const calls: string[] = [];
  const dependencies: RevocationDependencies = {
    registry: {
      get: async (clientId) => {
        calls.push(`registry.get ${clientId.length}`);
        return { clientId, status: 'active', tokenEndpointAuthMethod: 'none' } as never;
      },
    },
    revocations: { revoke: async () => (calls.push('revocations.revoke'), {} as never) },
    clientSecret: async () => (calls.push('cognito.describe'), undefined),
    verifyAccessToken: async () => {
      calls.push('verify');
      throw new Error('not a token of the pool');
    },
    revokeRefreshToken: async () => (calls.push('cognito.revoke'), 'unknown' as const),
    issuer: 'https://mcp.example.com',
    assertions: { jwks: async () => Promise.reject(new Error('no keys')), usedAssertions: { use: async () => true } },
  };
  return { calls, dependencies };
}

describe('revokeToken: what reaches DynamoDB and Cognito', () => {
  it('runs its steps in this order', () => {
    expect(REVOKE_STEPS.map((step) => step.name)).toEqual([
      'readForm', 'requireToken', 'readClientCredentials', 'authenticateClient', 'compareClientSecret',
      'ignoreForeignToken', 'revokeAsAccessToken', 'revokeAsRefreshToken',
    ]);
  });

  it.each([
    ['a client_id over 2,048 bytes', undefined, { clientId: 'a'.repeat(2100) }],
    ['Basic credentials that are not valid percent-encoding', basic('%zz:x'), {}],
  ])('refuses %s before any call', async (_name, authorization, fields) => {
    const { calls, dependencies } = recordingDependencies();
    await expect(revokeToken({ authorization, form: { ...FORM, ...fields } }, dependencies)).rejects.toMatchObject({ status: 401, code: 'invalid_client' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['longer than a Cognito token', 'a'.repeat(MAX_TOKEN_LENGTH + 1)],
    ['outside Cognito\'s token pattern', 'abc def'],
    ['a JWT shape with a character outside the pattern', 'aaa.bbb.cc!'],
  ])('answers a token %s as unknown without verifying it or sending it to Cognito', async (_name, token) => {
    const { calls, dependencies } = recordingDependencies();
    await expect(revokeToken({ form: { ...FORM, token, clientId: 'client1' } }, dependencies)).resolves.toBe('ignored');
    expect(calls).toEqual(['registry.get 7']);
  });

  it('still tries a plausible token as an access token, then as a refresh token', async () => {
    const { calls, dependencies } = recordingDependencies();
    await expect(revokeToken({ form: { ...FORM, token: 'aaa.bbb.ccc', clientId: 'client1' } }, dependencies)).resolves.toBe('ignored');
    expect(calls).toEqual(['registry.get 7', 'verify', 'cognito.revoke']);
  });

  it('refuses a CIMD app client named by its bare Cognito id before verifying or revoking anything', async () => {
    const { calls, dependencies } = recordingDependencies();
    dependencies.registry.get = async (clientId) => (calls.push('registry.get'), { clientId, status: 'active', source: 'cimd', cimdUrl: 'https://app.example.com/c.json', tokenEndpointAuthMethod: 'none' } as never);
    await expect(revokeToken({ form: { ...FORM, token: 'aaa.bbb.ccc', clientId: 'cimdapp1' } }, dependencies)).rejects.toMatchObject({ status: 401, code: 'invalid_client' });
    expect(calls).toEqual(['registry.get']);
  });

  it('challenges with Basic when a Basic client is unknown', async () => {
    const { dependencies } = recordingDependencies();
    dependencies.registry.get = async () => undefined;
    await expect(revokeToken({ authorization: basic('client1:x'), form: FORM }, dependencies)).rejects.toMatchObject({
      status: 401, code: 'invalid_client', challenge: BASIC_CHALLENGE,
    });
  });
});
