import { describe, expect, it } from 'vitest';
import { handleCallback } from '../../oauth/callback.js';
import { type CodeBinding, type CodeGrants, StateReplayedError } from '../../oauth/code-grants.js';
import { authzCookieName, sha256 } from '../../oauth/cookies.js';
import { deriveKeys } from '../../oauth/keys.js';
import type { PendingAuthorization } from '../../oauth/pending.js';
import { seal } from '../../oauth/sealed.js';

/** An in-memory stand-in for the OAuthStateTable with the same single-use rule (the real one is tested over HTTP). */
function memoryGrants(): CodeGrants & { codes: Map<string, CodeBinding> } {
  const states = new Set<string>();
  const codes = new Map<string, CodeBinding>();
  return {
    codes,
    async complete(nonce, _expiresAt, code) {
      if (states.has(nonce) || (code && codes.has(code.hash))) throw new StateReplayedError('used');
      states.add(nonce);
      if (code) codes.set(code.hash, code.binding);
    },
    async redeem() {
      return undefined;
    },
    async find() {
      return undefined;
    },
  };
}

const ISSUER = 'https://mcp.example.com';
const NOW = 1_800_000_000;
const key = deriveKeys('s'.repeat(64))['cognito-state'];
const settings = { issuer: ISSUER, stateKey: key, codeTtlSeconds: 300 };
const cookieValue = 'C'.repeat(43);
const pending: PendingAuthorization = {
  v: 1, n: 'nonce-0123456789abcdef', cid: 'dcr1', app: 'dcr1', ruri: 'https://app.example.com/cb?tenant=7', st: 'a b+c/d=é'.replace('é', 'e'),
  scp: [`${ISSUER}/mcp/read`], off: true, res: `${ISSUER}/mcp`, am: 'none', cc: 'x'.repeat(43), bh: sha256(cookieValue), exp: NOW + 600,
};
const state = seal(key, 'cognito-state', pending);
const cookie = `${authzCookieName(pending.n)}=${cookieValue}`;

describe('GET /oauth/callback', () => {
  it('sends the code on with the client\'s state byte for byte, iss exact, the registered query kept, and binds it', async () => {
    const grants = memoryGrants();
    const outcome = await handleCallback({ code: 'cognito-code-1', state }, cookie, settings, grants, NOW);
    expect(outcome.kind).toBe('redirect');
    const location = new URL(String(outcome.response.headers!.Location));
    expect(location.origin + location.pathname).toBe('https://app.example.com/cb');
    expect(location.searchParams.get('tenant')).toBe('7');
    expect(location.searchParams.get('code')).toBe('cognito-code-1');
    expect(location.searchParams.get('state')).toBe(pending.st);
    expect(location.searchParams.getAll('iss')).toEqual([ISSUER]);
    expect(outcome.response.multiValueHeaders!['Set-Cookie']![0]).toMatch(/Max-Age=0$/);
    expect(grants.codes.get(sha256('cognito-code-1'))).toEqual({
      clientId: 'dcr1', appClientId: 'dcr1', redirectUri: pending.ruri, authMethod: 'none', scope: `${ISSUER}/mcp/read offline_access`, resource: `${ISSUER}/mcp`,
      codeChallenge: pending.cc,
    });
  });

  it('refuses a parameter sent twice with a page, before it opens the state or spends anything', async () => {
    const grants = memoryGrants();
    const outcome = await handleCallback({ code: ['c1', 'c2'], state: [state] }, cookie, settings, grants, NOW);
    expect(outcome).toMatchObject({ kind: 'page', reason: 'repeated parameters' });
    expect(outcome.response.headers!.Location).toBeUndefined();
    expect(grants.codes.size).toBe(0);
    // API Gateway's multi-valued form with each parameter once is read as single values.
    const once = await handleCallback({ code: ['c3'], state: [state] }, cookie, settings, grants, NOW);
    expect(once.kind).toBe('redirect');
    expect(grants.codes.has(sha256('c3'))).toBe(true);
  });

  it('refuses a replayed state with a page', async () => {
    const grants = memoryGrants();
    await handleCallback({ code: 'c1', state }, cookie, settings, grants, NOW);
    const replay = await handleCallback({ code: 'c2', state }, cookie, settings, grants, NOW);
    expect(replay).toMatchObject({ kind: 'page', reason: 'state replayed' });
    expect(replay.response.headers!.Location).toBeUndefined();
  });

  it.each([
    ['no authz cookie', undefined],
    ['another flow\'s cookie', `${authzCookieName('other-nonce-xyz')}=${cookieValue}`],
    ['a mismatched cookie', `${authzCookieName(pending.n)}=${'D'.repeat(43)}`],
  ])('%s: a page', async (_name, header) => {
    const outcome = await handleCallback({ code: 'c', state }, header, settings, memoryGrants(), NOW);
    expect(outcome).toMatchObject({ kind: 'page', reason: 'authz cookie missing or mismatched' });
  });

  it('refuses a missing, forged or expired state, a malformed code, and neither code nor error', async () => {
    for (const [query, now] of [
      [{ code: 'c' }, NOW],
      [{ code: 'c', state: 'v1.AAAA' }, NOW],
      [{ code: 'c', state }, NOW + 600],
      [{ code: 'c"><script>', state }, NOW],
      [{ state }, NOW],
    ] as const) {
      const outcome = await handleCallback(query, cookie, settings, memoryGrants(), now);
      expect(outcome.kind, JSON.stringify(query)).toBe('page');
    }
  });

  it.each([
    ['access_denied', 'access_denied'],
    ['invalid_scope', 'invalid_scope'],
    ['unauthorized_client', 'unauthorized_client'],
    ['temporarily_unavailable', 'temporarily_unavailable'],
    ['invalid_request', 'server_error'],
    ['unsupported_response_type', 'server_error'],
    ['redirect_mismatch', 'server_error'],
  ])('Cognito\'s %s reaches the client as %s, with state and iss, and consumes the state', async (cognitoError, error) => {
    const grants = memoryGrants();
    const outcome = await handleCallback({ error: cognitoError, error_description: '<b>Cognito text</b>', state }, cookie, settings, grants, NOW);
    const location = new URL(String(outcome.response.headers!.Location));
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).not.toContain('Cognito text');
    expect(location.searchParams.get('state')).toBe(pending.st);
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    expect((await handleCallback({ code: 'c', state }, cookie, settings, grants, NOW)).kind).toBe('page');
  });
});
