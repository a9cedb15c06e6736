import { beforeAll, describe, expect, it } from 'vitest';
import type { CimdAliasRecord } from '../../lib/client-record.js';
import type { ClientKeys } from '../../dcr/cimd/client-keys.js';
import { CimdFetchError, type FetchedDocument } from '../../dcr/cimd/safe-fetch.js';
import { authenticateClient, resolveClient } from '../../oauth/client-auth/authenticate.js';
import { MAX_ASSERTION_BYTES, presentedCredentials } from '../../oauth/client-auth/credentials.js';
import { UNKNOWN_KID_REFETCH_SECONDS, jwksCache } from '../../oauth/client-auth/jwks-cache.js';
import type { UsedAssertions } from '../../oauth/client-auth/jti-store.js';
import { OAuthError } from '../../oauth/errors.js';
import { createSign, KeyObject } from 'node:crypto';
import { authenticateTokenClient } from '../../oauth/token/client-authentication.js';
import { presentedTokenCredentials } from '../../oauth/token/credentials.js';
import { type ClientSigningKey, assertionFields, clientAssertion, clientSigningKey } from '../support/client-metadata.js';

/**
 * private_key_jwt (RFC 7523) with assertions signed by jose, as a client library signs them, and
 * verified by the server's code (aws-jwt-verify underneath). The jti store and the JWKS host are
 * stand-ins here (a Set, a function answering like safeFetch); tests/integration/oauth-cimd-clients
 * runs the same through DynamoDB Local and an https host.
 */
const ISSUER = 'https://mcp.example.com';
const TOKEN = `${ISSUER}/token`;
const CLIENT = 'https://client.example.org/client.json';
const JWKS_URI = 'https://client.example.org/jwks.json';

function usedAssertions(): UsedAssertions & { seen: Set<string> } {
  const seen = new Set<string>();
  return { seen, use: async (clientId, jti) => (seen.has(`${clientId} ${jti}`) ? false : (seen.add(`${clientId} ${jti}`), true)) };
}

function jwksHost(initial: { keys: unknown[] }) {
  const host = { jwks: initial, fetches: 0, headers: {} as Partial<FetchedDocument>, fail: undefined as CimdFetchError | undefined, now: new Date('2026-12-07T12:00:00Z') };
  const cache = jwksCache({
    fetch: async () => {
      host.fetches += 1;
      if (host.fail) throw host.fail;
      return { body: Buffer.from(JSON.stringify(host.jwks)), ...host.headers };
    },
    hosts: { allowedHosts: [], deniedHosts: [] },
    now: () => host.now,
  });
  return { host, cache };
}

function alias(keys: ClientKeys | undefined, method: 'none' | 'private_key_jwt' = 'private_key_jwt'): CimdAliasRecord {
  return {
    clientId: CLIENT, kind: 'cimd', aliasOf: 'app1', status: 'active', clientName: 'Client', redirectUris: ['https://client.example.org/cb'],
    grantTypes: ['authorization_code', 'refresh_token'], scope: '', documentSha256: '', fetchedAt: 0, cacheUntil: 0, createdAt: 0,
    tokenEndpointAuthMethod: method, ...(keys && { keys }),
  };
}

// Generating RSA keys is slow (half a second each here): a few, made once.
let rsa: ClientSigningKey;
let rsaOther: ClientSigningKey;
let ec: ClientSigningKey;
beforeAll(async () => {
  [rsa, rsaOther, ec] = await Promise.all([clientSigningKey('RS256'), clientSigningKey('RS256'), clientSigningKey('ES256')]);
});

async function setup(options: { method?: 'none' | 'private_key_jwt'; inline?: boolean } = {}) {
  const key = rsa;
  const { host, cache } = jwksHost({ keys: [key.publicJwk] });
  const used = usedAssertions();
  const keys: ClientKeys = options.inline ? { jwks: { keys: [key.publicJwk as never] } } : { jwksUri: JWKS_URI };
  const deps = {
    registry: { get: async (id: string) => (id === CLIENT ? alias(keys, options.method) : undefined) },
    issuer: ISSUER,
    assertions: { jwks: cache, usedAssertions: used },
  };
  const authenticate = async (form: Record<string, string>) => {
    try {
      return await authenticateTokenClient(presentedTokenCredentials(undefined, form), deps);
    } catch (error) {
      if (error instanceof OAuthError) return { refused: error.code, status: error.status, description: error.description };
      throw error;
    }
  };
  return { key, host, used, deps, authenticate };
}

describe('private_key_jwt at /token', () => {
  it.each(['RS256', 'ES256'] as const)('accepts an %s assertion signed with the key of the jwks_uri, once', async (alg) => {
    const { host, authenticate } = await setup();
    const key = alg === 'RS256' ? rsa : ec;
    host.jwks = { keys: [key.publicJwk] };
    const assertion = await clientAssertion(key, CLIENT, TOKEN);
    expect(await authenticate(assertionFields(assertion, CLIENT))).toMatchObject({ client: { clientId: CLIENT, method: 'private_key_jwt' } });
    expect(await authenticate(assertionFields(assertion, CLIENT))).toMatchObject({ refused: 'invalid_client', status: 401, description: expect.stringMatching(/already used/) });
  });

  it('accepts the issuer as audience, inline jwks, and a client_id left out (taken from sub)', async () => {
    const { key, authenticate } = await setup({ inline: true });
    expect(await authenticate(assertionFields(await clientAssertion(key, CLIENT, ISSUER)))).toMatchObject({ client: { clientId: CLIENT } });
  });

  it('binds a client that offers none and private_key_jwt to none, whichever it uses; a bad assertion is never downgraded', async () => {
    const { key, authenticate } = await setup({ method: 'none' });
    expect(await authenticate({ client_id: CLIENT })).toMatchObject({ client: { method: 'none' } });
    expect(await authenticate(assertionFields(await clientAssertion(key, CLIENT, TOKEN), CLIENT))).toMatchObject({ client: { method: 'none' } });
    const other = { ...rsaOther, kid: key.kid };
    expect(await authenticate(assertionFields(await clientAssertion(other, CLIENT, TOKEN), CLIENT))).toMatchObject({ refused: 'invalid_client' });
  });

  it('refuses a client that offers only private_key_jwt when it sends no assertion, or a secret', async () => {
    const { authenticate } = await setup();
    expect(await authenticate({ client_id: CLIENT })).toMatchObject({ refused: 'invalid_client', status: 401, description: 'This client authenticates with private_key_jwt' });
    expect(await authenticate({ client_id: CLIENT, client_secret: 's' })).toMatchObject({ refused: 'invalid_client', status: 401 });
  });

  const refusals: Array<[string, (key: ClientSigningKey) => Promise<Record<string, string>>, RegExp]> = [
    ['signed with another key (same kid)', async (key) => assertionFields(await clientAssertion({ ...rsaOther, kid: key.kid }, CLIENT, TOKEN)), /signature/i],
    ['signed with a key the client does not publish', async () => assertionFields(await clientAssertion(rsaOther, CLIENT, TOKEN)), /no key with the assertion's kid/],
    ['signed with an EC key under the RSA key\'s kid', async (key) => assertionFields(await clientAssertion({ ...ec, kid: key.kid }, CLIENT, TOKEN)), /not a key for ES256/],
    ['for another audience', async (key) => assertionFields(await clientAssertion(key, CLIENT, 'https://other.example.com/token')), /as aud/],
    ['for the revocation endpoint, at /token', async (key) => assertionFields(await clientAssertion(key, CLIENT, `${ISSUER}/revoke`)), /as aud/],
    ['expired', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { expiresIn: -120 })), /expired/],
    ['valid for an hour', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { expiresIn: 3600 })), /within 300 seconds/],
    ['without exp', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { claims: { exp: undefined } })), /no exp/],
    ['without jti', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { claims: { jti: undefined } })), /no jti/],
    ['issued by someone else', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { claims: { iss: 'https://evil.example/c.json' } }), CLIENT), /client id as iss/],
    ['about another subject', async (key) => assertionFields(await clientAssertion(key, CLIENT, TOKEN, { claims: { sub: 'someone' } }), CLIENT), /sub must be the client id/],
    ['alg none', async () => assertionFields(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, CLIENT), /must be signed with RS256 or ES256/],
    ['HS256 keyed with the public key', async (key) => assertionFields(`${b64({ alg: 'HS256', kid: key.kid })}.${b64(claims())}.c2ln`, CLIENT), /must be signed with RS256 or ES256/],
    ['a critical header', async (key) => assertionFields(rawRs256({ alg: 'RS256', kid: key.kid, crit: ['x-ext'], 'x-ext': 1 }, claims(), key), CLIENT), /critical/],
  ];
  it.each(refusals)('refuses an assertion %s: 401 invalid_client', async (_name, make, reason) => {
    const { key, authenticate } = await setup();
    const refused = await authenticate(await make(key));
    expect(refused).toMatchObject({ refused: 'invalid_client', status: 401, description: expect.stringMatching(reason) });
    // Fixed words only: nothing of the assertion is repeated back (RFC 6749 errors carry our text).
    expect(JSON.stringify(refused)).not.toMatch(/evil\.example|other\.example|key-[0-9a-f]{8}/);
  });

  it('refuses an oversized assertion, a wrong assertion type and a client_id that differs, before any key is fetched', async () => {
    const { key, host, authenticate } = await setup();
    const big = await clientAssertion(key, CLIENT, TOKEN, { claims: { pad: 'x'.repeat(MAX_ASSERTION_BYTES) } });
    expect(await authenticate(assertionFields(big, CLIENT))).toMatchObject({ refused: 'invalid_client', description: expect.stringMatching(/larger than 16384/) });
    const good = await clientAssertion(key, CLIENT, TOKEN);
    expect(await authenticate({ ...assertionFields(good, CLIENT), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' })).toMatchObject({ refused: 'invalid_client' });
    expect(await authenticate({ ...assertionFields(good, CLIENT), client_secret: 's' })).toMatchObject({ refused: 'invalid_request', status: 400 });
    expect(host.fetches).toBe(0);
    expect(await authenticate(assertionFields(good, 'https://other.example.org/client.json'))).toMatchObject({ refused: 'invalid_client' });
  });
});

describe('the JWKS cache', () => {
  it('follows a key rotation (new kid) at once, with no operator step; unknown kids refetch at most once a minute', async () => {
    const { key, host, authenticate } = await setup();
    expect(await authenticate(assertionFields(await clientAssertion(key, CLIENT, TOKEN)))).toMatchObject({ client: {} });
    expect(host.fetches).toBe(1);
    const rotated = rsaOther;
    host.jwks = { keys: [key.publicJwk, rotated.publicJwk] };
    // Fetched less than a minute ago: an unknown kid is refused without another fetch.
    expect(await authenticate(assertionFields(await clientAssertion(rotated, CLIENT, TOKEN)))).toMatchObject({ refused: 'invalid_client' });
    expect(host.fetches).toBe(1);
    host.now = new Date(host.now.getTime() + UNKNOWN_KID_REFETCH_SECONDS * 1000);
    expect(await authenticate(assertionFields(await clientAssertion(rotated, CLIENT, TOKEN)))).toMatchObject({ client: {} });
    expect(host.fetches).toBe(2);
    for (let i = 0; i < 5; i += 1) await authenticate(assertionFields(await clientAssertion({ ...ec, kid: `made-up-${i}` }, CLIENT, TOKEN)));
    expect(host.fetches).toBe(2);
  });

  it('keeps a set as its Cache-Control says (within one minute to one hour), and a stale one when a refetch fails for a network reason', async () => {
    const { key, host, authenticate } = await setup();
    host.headers = { cacheControl: 'max-age=120' };
    const ok = async () => authenticate(assertionFields(await clientAssertion(key, CLIENT, TOKEN)));
    await ok();
    host.now = new Date(host.now.getTime() + 100_000);
    await ok();
    expect(host.fetches).toBe(1);
    host.now = new Date(host.now.getTime() + 30_000);
    await ok();
    expect(host.fetches).toBe(2);
    host.fail = new CimdFetchError('the host client.example.org could not be reached or refused the connection', true, 'ECONNREFUSED: connect');
    host.now = new Date(host.now.getTime() + 200_000);
    expect(await ok()).toMatchObject({ client: {} });
    host.fail = new CimdFetchError('the document URL answered HTTP 404');
    expect(await ok()).toMatchObject({ refused: 'invalid_client', description: expect.stringMatching(/keys could not be fetched: the document URL answered HTTP 404/) });
  });

  it('refuses a JWK Set with private keys or keys of other types', async () => {
    const { host, key, authenticate } = await setup();
    host.jwks = { keys: [{ ...key.publicJwk, d: 'private' }] };
    expect(await authenticate(assertionFields(await clientAssertion(key, CLIENT, TOKEN)))).toMatchObject({ refused: 'invalid_client', description: expect.stringMatching(/private key material/) });
  });
});

describe('one typed resolution of the registry row', () => {
  it('reads a CIMD alias and an app client row without casts, and refuses a CIMD app client named by its bare id', async () => {
    const presented = presentedCredentials(undefined, { client_id: 'app1' });
    const registry = { get: async () => ({ clientId: 'app1', status: 'active' as const, source: 'cimd' as const, cimdUrl: CLIENT, clientName: 'x', redirectUris: [], grantTypes: [], responseTypes: [], tokenEndpointAuthMethod: 'none', scope: '', registrationTokenHash: '', createdAt: 0 }) };
    await expect(resolveClient(presented, { registry })).rejects.toMatchObject({ code: 'invalid_client' });
    const cimd = await resolveClient(presentedCredentials(undefined, { client_id: CLIENT }), { registry: { get: async () => alias(undefined, 'none') } });
    expect(cimd).toMatchObject({ clientId: CLIENT, appClientId: 'app1', source: 'cimd', registeredMethod: 'none' });
    await expect(authenticateClient(presentedCredentials(undefined, assertionFields('a.b.c', CLIENT)), cimd, { audiences: [ISSUER], deps: { jwks: async () => ({ keys: [] }), usedAssertions: usedAssertions() } })).rejects.toMatchObject({
      code: 'invalid_client', message: 'This client authenticates with none',
    });
  });
});

function b64(value: unknown) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function claims() {
  const now = Math.floor(Date.now() / 1000);
  return { iss: CLIENT, sub: CLIENT, aud: TOKEN, exp: now + 60, jti: crypto.randomUUID() };
}
/** An RS256 JWT signed by hand, for headers a JWT library refuses to produce. */
function rawRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: ClientSigningKey) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('sha256').update(input).sign(KeyObject.from(key.privateKey)).toString('base64url')}`;
}
