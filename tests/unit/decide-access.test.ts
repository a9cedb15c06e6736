import { describe, expect, it } from 'vitest';
import type { AccessTokenVerifier, VerifiedToken } from '../../authorizer/access-token.js';
import type { ApiKeyRecord, AuthorizationStore, TokenRecords } from '../../authorizer/authorization-store.js';
import { decideAccess } from '../../authorizer/decide-access.js';
import { Denial } from '../../authorizer/denial.js';
import { apiKeyHash, generateApiKey } from '../../lib/api-keys.js';
import type { RevocationRecord } from '../../lib/revocations.js';

// The decision logic with in-memory ports; the same logic against DynamoDB Local and cognito-local
// is in tests/integration/authorizer-corpus.test.ts.
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
const NOW = 1_800_000_000;

const verified: VerifiedToken = {
  identity: {
    principal: 'user-1',
    authMethod: 'jwt',
    sub: 'user-1',
    username: 'alice',
    clientId: 'client-1',
    scopes: ['https://api.example.com/mcp/read'],
    groups: [],
    tokenId: 'jti-1',
    expiresAt: NOW + 600,
    clientTrust: 'dynamic',
  },
  originJti: 'family-1',
  authenticatedAt: NOW - 100,
};

function verifierThat(outcome: () => Promise<VerifiedToken>): AccessTokenVerifier & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(
    async (token: string) => {
      calls.push(token);
      return outcome();
    },
    { calls },
  );
}

function memoryStore(records: Partial<TokenRecords> = {}, apiKeys: ApiKeyRecord[] = []) {
  const calls: string[] = [];
  const store: AuthorizationStore & { calls: string[]; keysAsked: string[][] } = {
    calls,
    keysAsked: [],
    async tokenRecords(keys, clientId) {
      calls.push(`tokenRecords:${clientId}`);
      store.keysAsked.push(keys);
      return { revocations: records.revocations ?? [], client: 'client' in records ? records.client : { clientId } };
    },
    async apiKey(hash) {
      calls.push('apiKey');
      return apiKeys.find((key) => key.keyHash === hash);
    },
    async touchClient(clientId) {
      calls.push(`touch:${clientId}`);
    },
  };
  return store;
}

const withToken = { headers: { Authorization: `Bearer ${TOKEN}` } };
const now = () => NOW * 1000;
const row = (pk: string, extra: Partial<RevocationRecord> = {}): RevocationRecord => ({
  pk,
  kind: pk.split('#')[0] as RevocationRecord['kind'],
  subject: pk.split('#')[1]!,
  revokedAt: NOW - 10,
  expiresAt: NOW + 3600,
  ...extra,
});

describe('decideAccess (access tokens)', () => {
  it('allows a verified, unrevoked token of a registered client with one store call', async () => {
    const store = memoryStore({ client: { clientId: 'client-1', lastUsedAt: NOW - 60 } });
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => verified), store, now });
    expect(decision).toEqual({ effect: 'allow', identity: verified.identity });
    expect(store.calls).toEqual(['tokenRecords:client-1']);
    expect(store.keysAsked[0]).toEqual(['jti#jti-1', 'user#user-1', 'client#client-1', 'app#user-1#client-1', 'jti#family-1']);
  });

  it('refreshes lastUsedAt once a day, not on every request', async () => {
    const store = memoryStore({ client: { clientId: 'client-touch', lastUsedAt: NOW - 90_000 } });
    const token = { ...verified, identity: { ...verified.identity, clientId: 'client-touch' } };
    const dependencies = { verifyToken: verifierThat(async () => token), store, now };
    await decideAccess(withToken, dependencies);
    await decideAccess(withToken, dependencies);
    expect(store.calls.filter((call) => call.startsWith('touch'))).toEqual(['touch:client-touch']);
  });

  it('gives the verifier exactly the token of the header (scheme in any case)', async () => {
    const verifyToken = verifierThat(async () => verified);
    await decideAccess({ headers: { authorization: `bEaReR ${TOKEN}` } }, { verifyToken, store: memoryStore(), now });
    expect(verifyToken.calls).toEqual([TOKEN]);
  });

  it.each([
    ['its jti', [row('jti#jti-1')], 'token revoked (jti)'],
    ['its refresh token family', [row('jti#family-1')], 'refresh token family revoked (origin_jti)'],
    ['its client', [row('client#client-1')], 'client revoked'],
    ['its user, signed in before the revocation', [row('user#user-1', { notBefore: NOW - 50 })], 'user revoked'],
    ['its user, signed in the same second', [row('user#user-1', { notBefore: NOW - 100 })], 'user revoked'],
    ['its user, by a row without notBefore', [row('user#user-1')], 'user revoked'],
    ['its user through its client, signed in before', [{ ...row('app#user-1#client-1', { notBefore: NOW - 50 }), subject: 'user-1#client-1' }], 'application access revoked for this user'],
    ['its user through its client, signed in the same second', [row('app#user-1#client-1', { notBefore: NOW - 100 })], 'application access revoked for this user'],
    ['its user through its client, by a row without notBefore', [row('app#user-1#client-1')], 'application access revoked for this user'],
  ])('denies a token revoked by %s', async (_label, revocations, detail) => {
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => verified), store: memoryStore({ revocations }), now });
    expect(decision).toEqual({ effect: 'deny', reason: 'revoked', detail });
  });

  it('ignores expired revocation rows and a user revocation older than the sign-in', async () => {
    const revocations = [
      row('jti#jti-1', { expiresAt: NOW }),
      row('client#client-1', { expiresAt: NOW - 1 }),
      row('user#user-1', { notBefore: NOW - 101 }),
      // Connected apps: a revocation older than this sign-in, and one of the user's other client.
      row('app#user-1#client-1', { notBefore: NOW - 101 }),
      row('app#user-1#client-2', { notBefore: NOW }),
    ];
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => verified), store: memoryStore({ revocations }), now });
    expect(decision.effect).toBe('allow');
  });

  it.each([
    ['absent from the registry', undefined, 'client_id is not in the client registry'],
    ['deleted', { clientId: 'client-1', status: 'deleted' as const }, 'client is deleted'],
    ['revoked', { clientId: 'client-1', status: 'revoked' as const }, 'client is revoked'],
  ])('denies a token whose client is %s', async (_label, client, detail) => {
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => verified), store: memoryStore({ client }), now });
    expect(decision).toEqual({ effect: 'deny', reason: 'unknown_client', detail });
  });

  it('denies with dependency_failure when the store fails, and never calls it for a token that fails verification', async () => {
    const failing = memoryStore();
    failing.tokenRecords = async () => Promise.reject(new Denial('dependency_failure', 'DynamoDB BatchGetItem failed: TimeoutError'));
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => verified), store: failing, now });
    expect(decision).toMatchObject({ effect: 'deny', reason: 'dependency_failure' });

    const store = memoryStore();
    const rejected = await decideAccess(withToken, { verifyToken: verifierThat(async () => Promise.reject(new Error('nope'))), store, now });
    expect(rejected).toEqual({ effect: 'deny', reason: 'internal_error', detail: 'nope' });
    expect(store.calls).toEqual([]);
  });

  it('removes the token from the detail even if an error quotes it, and caps it', async () => {
    const quoting = await decideAccess(withToken, {
      verifyToken: verifierThat(async () => Promise.reject(new Error(`bad token ${TOKEN}`))),
      store: memoryStore(),
    });
    expect(quoting).toMatchObject({ detail: 'bad token [token]' });
    const long = await decideAccess(withToken, {
      verifyToken: verifierThat(async () => Promise.reject(new Error('x'.repeat(1000)))),
      store: memoryStore(),
    });
    expect(long.effect === 'deny' && long.detail?.length).toBe(300);
  });

  it.each([
    ['a string', 'boom'],
    ['undefined', undefined],
    ['a plain object', { token: 'x' }],
  ])('denies when the verifier rejects with %s', async (_label, reason) => {
    const decision = await decideAccess(withToken, { verifyToken: verifierThat(async () => Promise.reject(reason)), store: memoryStore() });
    expect(decision).toEqual({ effect: 'deny', reason: 'internal_error', detail: 'unknown error' });
  });

  it('does not throw when the verifier throws synchronously', async () => {
    const verifyToken: AccessTokenVerifier = () => {
      throw new Error('sync failure');
    };
    await expect(decideAccess(withToken, { verifyToken, store: memoryStore() })).resolves.toMatchObject({ effect: 'deny' });
  });

  it.each([
    ['no Authorization header', { 'Content-Type': 'application/json' }, 'missing_token'],
    ['null headers', null, 'missing_token'],
    ['a Basic header', { Authorization: 'Basic dXNlcjpwYXNz' }, 'malformed'],
    ['a token without scheme', { Authorization: TOKEN }, 'malformed'],
    ['two spaces', { Authorization: `Bearer  ${TOKEN}` }, 'malformed'],
  ])('denies %s without calling the verifier or the store', async (_label, headers, reason) => {
    const verifyToken = verifierThat(async () => verified);
    const store = memoryStore();
    const decision = await decideAccess({ headers: headers as Record<string, string> | null }, { verifyToken, store });
    expect(decision).toMatchObject({ effect: 'deny', reason });
    expect(verifyToken.calls).toHaveLength(0);
    expect(store.calls).toHaveLength(0);
  });
});

describe('decideAccess (API keys)', () => {
  const key = generateApiKey();
  const record: ApiKeyRecord = {
    keyHash: apiKeyHash(key),
    keyId: 'key-1',
    owner: 'ci-bot',
    scopes: ['https://api.example.com/mcp/read'],
    expiresAt: NOW + 3600,
    createdAt: NOW - 10,
  };
  const bearer = (value: string) => ({ headers: { Authorization: `Bearer ${value}` } });

  it('allows a known key with the same context shape as a token, in one store call', async () => {
    const store = memoryStore({}, [record]);
    const verifyToken = verifierThat(async () => verified);
    const decision = await decideAccess(bearer(key), { verifyToken, store, now });
    expect(decision).toEqual({
      effect: 'allow',
      identity: {
        principal: 'ci-bot',
        authMethod: 'api_key',
        sub: 'ci-bot',
        username: 'ci-bot',
        clientId: 'api-key:key-1',
        scopes: record.scopes,
        groups: [],
        tokenId: 'key-1',
        expiresAt: NOW + 3600,
        clientTrust: 'operator',
      },
    });
    expect(store.calls).toEqual(['apiKey']);
    expect(verifyToken.calls).toEqual([]);
  });

  it.each([
    ['revoked', { status: 'revoked' }, 'revoked'],
    ['expired', { expiresAt: NOW }, 'expired'],
  ])('denies a %s key', async (_label, change, reason) => {
    const decision = await decideAccess(bearer(key), { verifyToken: verifierThat(async () => verified), store: memoryStore({}, [{ ...record, ...change }]), now });
    expect(decision).toMatchObject({ effect: 'deny', reason });
  });

  it('denies an unknown key after one lookup', async () => {
    const store = memoryStore({}, [record]);
    const decision = await decideAccess(bearer(generateApiKey()), { verifyToken: verifierThat(async () => verified), store, now });
    expect(decision).toMatchObject({ effect: 'deny', reason: 'unknown_api_key' });
    expect(store.calls).toEqual(['apiKey']);
  });

  it.each([
    ['a prefix of a real key', key.slice(0, -1)],
    ['a real key with one character changed', `${key.slice(0, 10)}${key[10] === 'A' ? 'B' : 'A'}${key.slice(11)}`],
    ['a key with a character appended', `${key}A`],
    ['the prefix alone', 'mcpk_'],
  ])('denies %s without any store call', async (_label, value) => {
    const store = memoryStore({}, [record]);
    const decision = await decideAccess(bearer(value), { verifyToken: verifierThat(async () => verified), store, now });
    expect(decision).toMatchObject({ effect: 'deny', reason: 'malformed' });
    expect(store.calls).toEqual([]);
  });
});
