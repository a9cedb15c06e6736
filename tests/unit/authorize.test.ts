import { describe, expect, it } from 'vitest';
import type { AccessTokenVerifier } from '../../authorizer/access-token.js';
import { authorize } from '../../authorizer/authorize.js';
import type { CallerIdentity } from '../../lib/identity.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

const identity: CallerIdentity = {
  principal: 'user-1',
  authMethod: 'jwt',
  sub: 'user-1',
  username: 'alice',
  clientId: 'client-1',
  scopes: ['https://api.example.com/mcp/read'],
  groups: [],
  tokenId: 'jti-1',
  expiresAt: 1_700_000_000,
};

/** A verifier that records the tokens it was given and answers with `outcome`. */
function fakeVerifier(outcome: () => Promise<CallerIdentity>): AccessTokenVerifier & { calls: string[] } {
  const calls: string[] = [];
  const verify = async (token: string) => {
    calls.push(token);
    return outcome();
  };
  return Object.assign(verify, { calls });
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const withToken = { headers: { Authorization: `Bearer ${TOKEN}` } };

describe('authorize', () => {
  it('allows and passes the verified identity through', async () => {
    const verify = fakeVerifier(async () => identity);
    const decision = await authorize(withToken, verify);
    expect(decision).toEqual({ effect: 'allow', identity });
    expect(decision.effect === 'allow' && decision.identity).toBe(identity);
  });

  it('gives the verifier exactly the token of the header', async () => {
    const verify = fakeVerifier(async () => identity);
    await authorize({ headers: { authorization: `bearer ${TOKEN}` } }, verify);
    expect(verify.calls).toEqual([TOKEN]);
  });

  it.each([
    namedError('JwtExpiredError', 'Token expired at 2024-01-01T00:00:00.000Z'),
    namedError('JwtInvalidSignatureError', 'Invalid signature'),
    namedError('JwtInvalidClaimError', 'Token use not allowed: id. Expected: access'),
    namedError('KidNotFoundInJwksError', 'JWK for kid "k1" not found in the JWKS'),
    namedError('JwtParseError', 'JWT string does not consist of exactly 3 parts (header, payload, signature)'),
    new TypeError('fetch failed'),
  ])('denies with invalid_token when the verifier rejects ($name)', async (error) => {
    const decision = await authorize(withToken, fakeVerifier(async () => Promise.reject(error)));
    expect(decision).toEqual({ effect: 'deny', reason: 'invalid_token', detail: `${error.name}: ${error.message}` });
    expect(JSON.stringify(decision)).not.toContain(TOKEN);
    for (const part of TOKEN.split('.')) expect(JSON.stringify(decision)).not.toContain(part);
  });

  it.each([['a string', 'boom'], ['undefined', undefined], ['a plain object', { token: 'x' }]])(
    'denies with "unknown error" when the verifier rejects with %s',
    async (_label, reason) => {
      const decision = await authorize(withToken, fakeVerifier(async () => Promise.reject(reason)));
      expect(decision).toEqual({ effect: 'deny', reason: 'invalid_token', detail: 'unknown error' });
    },
  );

  it('removes the token from the detail even if a verifier quotes it', async () => {
    const decision = await authorize(withToken, fakeVerifier(async () => Promise.reject(new Error(`bad token ${TOKEN}`))));
    expect(decision).toEqual({ effect: 'deny', reason: 'invalid_token', detail: 'Error: bad token [token]' });
  });

  it('caps the detail at 300 characters', async () => {
    const decision = await authorize(withToken, fakeVerifier(async () => Promise.reject(new Error('x'.repeat(1000)))));
    expect(decision.effect).toBe('deny');
    expect(decision.effect === 'deny' && decision.detail?.length).toBe(300);
  });

  it('does not throw when the verifier throws synchronously', async () => {
    const verify: AccessTokenVerifier = () => {
      throw new Error('sync failure');
    };
    await expect(authorize(withToken, verify)).resolves.toEqual({
      effect: 'deny',
      reason: 'invalid_token',
      detail: 'Error: sync failure',
    });
  });

  it.each([
    ['no Authorization header', { 'Content-Type': 'application/json' }],
    ['null headers', null],
    ['a Basic header', { Authorization: 'Basic dXNlcjpwYXNz' }],
    ['a token without scheme', { Authorization: TOKEN }],
    ['two spaces', { Authorization: `Bearer  ${TOKEN}` }],
  ])('denies %s without calling the verifier', async (_label, headers) => {
    const verify = fakeVerifier(async () => identity);
    const decision = await authorize({ headers: headers as Record<string, string> | null }, verify);
    expect(decision).toEqual({ effect: 'deny', reason: 'missing_or_malformed_header' });
    expect(verify.calls).toHaveLength(0);
  });
});
