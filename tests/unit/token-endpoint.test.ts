import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClientRecord, ClientItem } from '../../lib/client-record.js';
import type { CodeBinding, CodeGrants } from '../../oauth/code-grants.js';
import { AppAccessRevokedError, type AppGrants, type GrantUse } from '../../lib/app-grants.js';
import { sha256 } from '../../oauth/cookies.js';
import { OAuthError } from '../../oauth/errors.js';
import { MAX_FORM_BYTES } from '../../oauth/client-auth/form.js';
import { presentedTokenCredentials as authenticateClient } from '../../oauth/token/credentials.js';
import { cognitoTokenEndpoint } from '../../oauth/token/cognito-token-endpoint.js';
import { type TokenDependencies, newTokenContext } from '../../oauth/token/context.js';
import { parseTokenForm } from '../../oauth/token/form.js';
import { TOKEN_STEPS, handleTokenRequest as runTokenSteps } from '../../oauth/token/index.js';
import { formPost } from '../support/form-post.js';

/**
 * The token endpoint's logic against a fake Cognito /oauth2/token on 127.0.0.1 (client_credentials
 * exists only on AWS; cognito-local has no such grant, so this is the one place it is exercised).
 */
const ISSUER = 'https://mcp.example.com';
const RESOURCE = `${ISSUER}/mcp`;
const VERIFIER = 'v'.repeat(43);
let server: Server;
let cognitoUrl: string;
let answer: (body: URLSearchParams, authorization: string | undefined) => { status: number; body: unknown; delayMs?: number };
const seen: Array<{ body: URLSearchParams; authorization: string | undefined }> = [];

beforeAll(async () => {
  server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      seen.push({ body, authorization: request.headers.authorization });
      const reply = answer(body, request.headers.authorization);
      setTimeout(() => {
        response.writeHead(reply.status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cognitoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Access tokens shaped as Cognito's (unsigned: the facade reads the claims of what Cognito just answered). */
const accessToken = (claims: Record<string, unknown>) =>
  [{ alg: 'none' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.sig';
const AT = accessToken({ sub: 'user-1', client_id: 'pub1', auth_time: 1_799_999_000, scope: `${RESOURCE}/read` });
const AT2 = accessToken({ sub: 'user-1', client_id: 'pub1', auth_time: 1_799_999_000, scope: `${RESOURCE}/read`, jti: 'second' });
const tokens = { access_token: AT, refresh_token: 'rt', id_token: 'it', token_type: 'Bearer', expires_in: 3600 };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function setup(rows: Record<string, Partial<AppClientRecord>> = {}, timeoutMs = 2000) {
  const bindings = new Map<string, CodeBinding>();
  const grants: CodeGrants = {
    async complete() {},
    async redeem(hash, expected) {
      const binding = bindings.get(hash);
      if (!binding || binding.clientId !== expected.clientId || binding.redirectUri !== expected.redirectUri || binding.authMethod !== expected.authMethod) return undefined;
      bindings.delete(hash);
      return binding;
    },
    async find(hash) {
      return bindings.get(hash);
    },
  };
  const recorded: GrantUse[] = [];
  const revokedApps = new Set<string>();
  const appGrants: AppGrants = {
    async record(use) {
      if (revokedApps.has(`${use.sub}#${use.clientId}`)) throw new AppAccessRevokedError('revoked');
      recorded.push(use);
    },
    listForUser: async () => [],
    revoke: async () => false,
    revokeShown: async () => false,
  };
  const deps = {
    appGrants,
    sessionSeconds: 86_400,
    grants,
    registry: { get: async (id: string) => rows[id] as ClientItem | undefined },
    cognito: cognitoTokenEndpoint(cognitoUrl, timeoutMs),
    callbackUrl: `${ISSUER}/oauth/callback`,
    resource: RESOURCE,
    clientCredentialsEnabled: true,
    now: () => 1_800_000_000,
    issuer: ISSUER,
    // No client here signs assertions (tests/unit/client-assertions.test.ts has those).
    assertions: { jwks: async () => Promise.reject(new Error('no keys')), usedAssertions: { use: async () => true } },
  };
  const bind = (code: string, binding: Partial<CodeBinding> = {}) =>
    bindings.set(sha256(code), { clientId: 'pub1', appClientId: 'pub1', redirectUri: 'http://127.0.0.1:5000/cb', authMethod: 'none', scope: `${RESOURCE}/read offline_access`, resource: RESOURCE, codeChallenge: createHash('sha256').update(VERIFIER).digest('base64url'), ...binding });
  return { deps, bind, recorded, revokedApps };
}
/** TOKEN_STEPS over the form as it is sent. */
const handleTokenRequest = (form: Record<string, string>, authorization: string | undefined, deps: TokenDependencies) =>
  runTokenSteps(newTokenContext(formPost(form, authorization)), deps);
const codeForm = (code: string, extra: Record<string, string> = {}) => ({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:5000/cb', code_verifier: VERIFIER, client_id: 'pub1', ...extra });
const refused = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(error)}`);
  return { code: error.code, status: error.status };
};

describe('POST /token', () => {
  it('runs its steps in this order', () => {
    expect(TOKEN_STEPS.map((step) => step.name)).toEqual([
      'readTokenForm', 'checkGrantType', 'readClientCredentials', 'authenticateClient', 'exchangeGrant', 'recordAppGrant',
    ]);
  });

  it('redeems a bound code at Cognito with our callback and the app client, and names the scope', async () => {
    answer = () => ({ status: 200, body: tokens });
    const { deps, bind } = setup();
    bind('code1');
    const outcome = await handleTokenRequest(codeForm('code1'), undefined, deps);
    expect(outcome.body).toEqual({ ...tokens, scope: `${RESOURCE}/read offline_access` });
    const sent = seen.at(-1)!;
    expect(Object.fromEntries(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'code1', redirect_uri: `${ISSUER}/oauth/callback`, code_verifier: VERIFIER, client_id: 'pub1' });
    expect(sent.authorization).toBeUndefined();
    // Single use.
    expect(await refused(handleTokenRequest(codeForm('code1'), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
  });

  it('a code presented with another client authentication method is 401 invalid_client (RFC 6749 §5.2) and stays unredeemed', async () => {
    answer = () => ({ status: 200, body: tokens });
    const { deps, bind } = setup();
    bind('m');
    expect(await refused(handleTokenRequest(codeForm('m', { client_secret: 'x' }), undefined, deps))).toEqual({ code: 'invalid_client', status: 401 });
    expect(await refused(handleTokenRequest(codeForm('m', { client_id: undefined as never }), basic('pub1', 'x'), deps))).toEqual({ code: 'invalid_client', status: 401 });
    // Another client or redirect URI learns nothing from the method: still invalid_grant.
    expect(await refused(handleTokenRequest(codeForm('m', { client_id: 'other', client_secret: 'x' }), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
    const outcome = await handleTokenRequest(codeForm('m'), undefined, deps);
    expect(outcome.body.access_token).toBe(AT);
  });

  it('refuses a code for another client, another redirect URI, another auth method, a missing or malformed verifier, another resource', async () => {
    answer = () => ({ status: 200, body: tokens });
    const { deps, bind } = setup();
    bind('c');
    expect((await refused(handleTokenRequest(codeForm('c', { client_id: 'other' }), undefined, deps))).code).toBe('invalid_grant');
    expect((await refused(handleTokenRequest(codeForm('c', { redirect_uri: 'http://127.0.0.1:5001/cb' }), undefined, deps))).code).toBe('invalid_grant');
    const { code_verifier: _v, ...noVerifier } = codeForm('c');
    expect((await refused(handleTokenRequest(noVerifier, undefined, deps))).code).toBe('invalid_request');
    expect((await refused(handleTokenRequest(codeForm('c', { code_verifier: 'short' }), undefined, deps))).code).toBe('invalid_request');
    expect((await refused(handleTokenRequest(codeForm('c', { resource: 'https://other.example.com/mcp' }), undefined, deps))).code).toBe('invalid_target');
  });

  it('a request that fails a check (resource, PKCE against the bound challenge, method) does not spend the code, and Cognito is not asked', async () => {
    answer = () => ({ status: 200, body: tokens });
    const { deps, bind } = setup();
    bind('keep');
    const before = seen.length;
    expect(await refused(handleTokenRequest(codeForm('keep', { resource: 'https://other.example.com/mcp' }), undefined, deps))).toEqual({ code: 'invalid_target', status: 400 });
    expect(await refused(handleTokenRequest(codeForm('keep', { code_verifier: 'w'.repeat(43) }), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
    expect(await refused(handleTokenRequest(codeForm('keep', { client_secret: 'x' }), undefined, deps))).toEqual({ code: 'invalid_client', status: 401 });
    expect(seen.length).toBe(before);
    // The code's own client, with everything right, still redeems it, once.
    expect((await handleTokenRequest(codeForm('keep', { resource: `${RESOURCE}/` }), undefined, deps)).body.access_token).toBe(AT);
    expect(await refused(handleTokenRequest(codeForm('keep'), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
  });

  it('a code bound before the challenge was kept is checked by Cognito only (no facade PKCE check)', async () => {
    answer = (body) => (body.get('code_verifier') === VERIFIER ? { status: 200, body: tokens } : { status: 400, body: { error: 'invalid_grant' } });
    const { deps, bind } = setup();
    bind('old', { codeChallenge: undefined });
    expect(await refused(handleTokenRequest(codeForm('old', { code_verifier: 'w'.repeat(43) }), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
    expect(seen.at(-1)!.body.get('code_verifier')).toBe('w'.repeat(43));
  });

  it('forwards a confidential client\'s secret as Basic (Cognito checks it) and maps Cognito\'s errors', async () => {
    const { deps, bind } = setup();
    bind('c', { clientId: 'conf1', appClientId: 'conf1', authMethod: 'client_secret_post' });
    answer = () => ({ status: 400, body: { error: 'invalid_client', error_description: 'Cognito: bad secret' } });
    const result = await refused(handleTokenRequest(codeForm('c', { client_id: 'conf1', client_secret: 's3cret' }), undefined, deps));
    expect(result).toEqual({ code: 'invalid_client', status: 401 });
    expect(seen.at(-1)!.authorization).toBe(basic('conf1', 's3cret'));
    expect(seen.at(-1)!.body.has('client_secret')).toBe(false);
  });

  it('answers a Cognito 5xx or timeout with temporarily_unavailable (503)', async () => {
    const { deps, bind } = setup({}, 200);
    bind('a');
    bind('b');
    answer = () => ({ status: 500, body: {} });
    expect(await refused(handleTokenRequest(codeForm('a'), undefined, deps))).toEqual({ code: 'temporarily_unavailable', status: 503 });
    answer = () => ({ status: 200, body: tokens, delayMs: 500 });
    expect(await refused(handleTokenRequest(codeForm('b'), undefined, deps))).toEqual({ code: 'temporarily_unavailable', status: 503 });
  });

  it('refresh_token: the client as registered, Cognito given the app client and no scope', async () => {
    answer = () => ({ status: 200, body: { access_token: AT2, token_type: 'Bearer', expires_in: 3600 } });
    const rows = {
      pub1: { clientId: 'pub1', status: 'active' as const, tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'] },
      conf1: { clientId: 'conf1', status: 'active' as const, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['authorization_code', 'refresh_token'] },
      gone: { clientId: 'gone', status: 'deleted' as const, tokenEndpointAuthMethod: 'none', grantTypes: ['refresh_token'] },
    };
    const { deps } = setup(rows);
    const outcome = await handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'pub1', scope: 'read' }, undefined, deps);
    expect(outcome.body).toEqual({ access_token: AT2, token_type: 'Bearer', expires_in: 3600 });
    expect(Object.fromEntries(seen.at(-1)!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'pub1' });
    await handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt' }, basic('conf1', 'sec'), deps);
    expect(seen.at(-1)!.authorization).toBe(basic('conf1', 'sec'));
    // Wrong method for the registration, unknown or deleted client: invalid_client (401).
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'conf1' }, undefined, deps))).toEqual({ code: 'invalid_client', status: 401 });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt' }, basic('pub1', 'sec'), deps))).toEqual({ code: 'invalid_client', status: 401 });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'nobody' }, undefined, deps))).toEqual({ code: 'invalid_client', status: 401 });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'gone' }, undefined, deps))).toEqual({ code: 'invalid_client', status: 401 });
    answer = () => ({ status: 400, body: { error: 'invalid_grant' } });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'other-clients', client_id: 'pub1' }, undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
  });

  it('client_credentials: only for a confidential client registered for it; scopes mapped; resource forwarded', async () => {
    answer = () => ({ status: 200, body: { access_token: 'm2m', token_type: 'Bearer', expires_in: 3600 } });
    const rows = {
      m2m: { clientId: 'm2m', status: 'active' as const, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'], scope: `${RESOURCE}/read ${RESOURCE}/write` },
      pub1: { clientId: 'pub1', status: 'active' as const, tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'] },
    };
    const { deps } = setup(rows);
    const outcome = await handleTokenRequest({ grant_type: 'client_credentials', scope: 'read' }, basic('m2m', 'sec'), deps);
    expect(outcome.body).toMatchObject({ access_token: 'm2m', scope: `${RESOURCE}/read` });
    expect(Object.fromEntries(seen.at(-1)!.body)).toEqual({ grant_type: 'client_credentials', scope: `${RESOURCE}/read`, resource: RESOURCE, client_id: 'm2m' });
    expect((await refused(handleTokenRequest({ grant_type: 'client_credentials', scope: 'admin' }, basic('m2m', 'sec'), deps))).code).toBe('invalid_scope');
    expect((await refused(handleTokenRequest({ grant_type: 'client_credentials', client_id: 'pub1' }, undefined, deps))).code).toBe('unauthorized_client');
    const off = { ...deps, clientCredentialsEnabled: false };
    expect((await refused(handleTokenRequest({ grant_type: 'client_credentials' }, basic('m2m', 'sec'), off))).code).toBe('unauthorized_client');
  });

  it('authenticates exactly one way: Basic or the body, never both; malformed Basic is invalid_client', () => {
    expect(authenticateClient(undefined, { client_id: 'a' })).toEqual({ clientId: 'a', method: 'none' });
    expect(authenticateClient(undefined, { client_id: 'a', client_secret: 's' })).toMatchObject({ method: 'client_secret_post' });
    expect(authenticateClient(basic('a', 's'), {})).toMatchObject({ clientId: 'a', secret: 's', method: 'client_secret_basic' });
    expect(authenticateClient(basic('a', 's'), { client_id: 'a' })).toMatchObject({ method: 'client_secret_basic' });
    const fails = (authorization: string | undefined, form: Record<string, string>) => {
      try {
        authenticateClient(authorization, form);
      } catch (error) {
        return (error as OAuthError).code;
      }
      return 'accepted';
    };
    expect(fails(basic('a', 's'), { client_secret: 's' })).toBe('invalid_request');
    expect(fails(basic('a', 's'), { client_id: 'b' })).toBe('invalid_request');
    expect(fails('Basic !!!', {})).toBe('invalid_client');
    expect(fails('Basic YQ', {})).toBe('invalid_client');
    expect(fails(basic('a', ''), {})).toBe('invalid_client');
    expect(fails(undefined, {})).toBe('invalid_client');
    expect(fails(undefined, { client_id: 'a b' })).toBe('invalid_client');
    expect(fails(undefined, { client_id: 'a', client_secret: '' })).toBe('invalid_client');
  });

  it('takes only a bounded form without repeated parameters', () => {
    const form = (body: string, type = 'application/x-www-form-urlencoded') => () => parseTokenForm(Buffer.from(body), type);
    expect(form('grant_type=x&client_id=y')()).toEqual({ grant_type: 'x', client_id: 'y' });
    expect(form('grant_type=x', 'application/x-www-form-urlencoded; charset=utf-8')()).toEqual({ grant_type: 'x' });
    expect(form('{}', 'application/json')).toThrow(OAuthError);
    expect(form('a=1&a=2')).toThrow(/repeated/);
    // Only parameters of the protocol are named; any other name is the client's text.
    expect(form('code=1&code=2')).toThrow('code: must not be repeated');
    expect(form('%3Cb%3E=1&%3Cb%3E=2')).toThrow(/^A parameter is repeated in the request$/);
    expect(form(`a=${'x'.repeat(MAX_FORM_BYTES)}`)).toThrow(/larger/);
    expect(() => parseTokenForm(Buffer.from([0x61, 0x3d, 0xff]), 'application/x-www-form-urlencoded')).toThrow(/UTF-8/);
  });

  it('records the user’s grant at the code exchange and at each refresh, once each, and none for client_credentials', async () => {
    answer = () => ({ status: 200, body: tokens });
    const rows = {
      pub1: { clientId: 'pub1', status: 'active' as const, tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'] },
      m2m: { clientId: 'm2m', status: 'active' as const, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'], scope: `${RESOURCE}/read` },
    };
    const { deps, bind, recorded } = setup(rows);
    bind('grant1');
    await handleTokenRequest(codeForm('grant1'), undefined, deps);
    await handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'pub1' }, undefined, deps);
    const use = { sub: 'user-1', clientId: 'pub1', scope: `${RESOURCE}/read`, authTime: 1_799_999_000, now: 1_800_000_000, sessionSeconds: 86_400 };
    expect(recorded).toEqual([use, use]);
    answer = () => ({ status: 200, body: { access_token: 'm2m', token_type: 'Bearer', expires_in: 3600 } });
    await handleTokenRequest({ grant_type: 'client_credentials', scope: 'read' }, basic('m2m', 'sec'), deps);
    expect(recorded).toHaveLength(2);
  });

  it('answers invalid_grant, without the tokens, when the user ended this application’s access; fails closed on an unreadable token', async () => {
    answer = () => ({ status: 200, body: tokens });
    const rows = { pub1: { clientId: 'pub1', status: 'active' as const, tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'] } };
    const { deps, bind, revokedApps } = setup(rows);
    revokedApps.add('user-1#pub1');
    bind('revoked1');
    expect(await refused(handleTokenRequest(codeForm('revoked1'), undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'pub1' }, undefined, deps))).toEqual({ code: 'invalid_grant', status: 400 });
    revokedApps.clear();
    answer = () => ({ status: 200, body: { ...tokens, access_token: 'not-a-jwt' } });
    expect(await refused(handleTokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'pub1' }, undefined, deps))).toEqual({ code: 'server_error', status: 500 });
  });

  it('refuses unknown and missing grant types before authenticating anyone', async () => {
    const { deps } = setup();
    expect((await refused(handleTokenRequest({ grant_type: 'password' }, undefined, deps))).code).toBe('unsupported_grant_type');
    expect((await refused(handleTokenRequest({}, undefined, deps))).code).toBe('invalid_request');
  });
});
