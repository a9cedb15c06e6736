import { describe, expect, it } from 'vitest';
import { AUTHORIZE_CHECKS, runAuthorize } from '../../oauth/authorize/index.js';
import type { AuthorizeClient, AuthorizeDependencies } from '../../oauth/authorize/context.js';
import { oauthError } from '../../oauth/errors.js';

const ISSUER = 'https://mcp.example.com';
const RESOURCE = `${ISSUER}/mcp`;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const dcrClient: AuthorizeClient = {
  clientId: 'dcr1', appClientId: 'dcr1', source: 'dcr', clientName: 'A client', redirectUris: ['https://app.example.com/cb'],
  scopes: [`${RESOURCE}/read`, `${RESOURCE}/write`], authMethod: 'none', createdAt: 1_700_000_000,
};
const operator: AuthorizeClient = {
  ...dcrClient, clientId: 'op1', appClientId: 'op1', source: 'manual', scopes: [],
  redirectUris: ['https://app.example.com/cb', 'http://localhost:53682/callback', 'http://127.0.0.1/cb', 'com.example.ops:/cb'],
};
const confidentialOperator: AuthorizeClient = { ...operator, clientId: 'op2', appClientId: 'op2', authMethod: 'client_secret_basic' };
const deps: AuthorizeDependencies = {
  issuer: ISSUER,
  resource: RESOURCE,
  serverScopes: ['read', 'write', 'admin'].map((name) => `${RESOURCE}/${name}`),
  async findClient(id) {
    if (id === 'dcr1') return dcrClient;
    if (id === 'op1') return operator;
    if (id === 'op2') return confidentialOperator;
    throw oauthError('invalid_client', 'unknown');
  },
};
const base = { response_type: 'code', client_id: 'dcr1', redirect_uri: 'https://app.example.com/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256', state: 'xyz' };
const query = (params: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, [v!]]));
const run = (params: Record<string, string | undefined>) => runAuthorize(query({ ...base, ...params }), 300, deps);
const redirectError = async (params: Record<string, string | undefined>) => {
  const outcome = await run(params);
  if (outcome.kind !== 'redirect') throw new Error(`expected a redirect, got ${outcome.kind}`);
  return new URL(outcome.location);
};

describe('the /authorize pipeline', () => {
  it('runs its checks in this order (the order is the contract)', () => {
    expect(AUTHORIZE_CHECKS.map((check) => check.name)).toEqual([
      'singleValuedParameters', 'findClient', 'checkRedirectUri', 'checkResponseType', 'checkResponseMode',
      'checkPkce', 'checkScope', 'checkResource', 'checkState', 'checkPrompt',
    ]);
  });

  it('asks consent of a dynamic client and goes straight to Cognito for an operator client on https', async () => {
    expect((await run({})).kind).toBe('consent');
    expect((await run({ client_id: 'op1' })).kind).toBe('to-cognito');
  });

  it('asks consent of a public operator client sent to a loopback port or a private-use scheme (any local program can listen there)', async () => {
    for (const redirectUri of ['http://localhost:53682/callback', 'http://localhost:41999/callback', 'http://127.0.0.1:5173/cb', 'com.example.ops:/cb']) {
      expect((await run({ client_id: 'op1', redirect_uri: redirectUri })).kind, redirectUri).toBe('consent');
    }
    // prompt=none cannot skip that page.
    const silent = await redirectError({ client_id: 'op1', redirect_uri: 'http://localhost:41999/callback', prompt: 'none' });
    expect(silent.searchParams.get('error')).toBe('consent_required');
    // A confidential operator client's code is useless without its secret: no page.
    expect((await run({ client_id: 'op2', redirect_uri: 'http://localhost:41999/callback' })).kind).toBe('to-cognito');
  });

  it('refuses repeated parameters and an oversized query with a page, before looking at the client', async () => {
    const repeated = await runAuthorize({ ...query(base), redirect_uri: ['https://app.example.com/cb', 'https://evil.example.com/'] }, 300, deps);
    expect(repeated).toMatchObject({ kind: 'error-page', error: { code: 'invalid_request' } });
    expect(await runAuthorize(query(base), 9000, deps)).toMatchObject({ kind: 'error-page', error: { code: 'invalid_request' } });
  });

  it('answers an unknown or missing client, and a wrong or missing redirect URI, with a page', async () => {
    expect(await run({ client_id: 'nope' })).toMatchObject({ kind: 'error-page', error: { code: 'invalid_client' } });
    expect(await run({ client_id: undefined })).toMatchObject({ kind: 'error-page', error: { code: 'invalid_request' } });
    expect(await run({ redirect_uri: 'https://evil.example.com/cb', response_type: 'token' })).toMatchObject({ kind: 'error-page' });
  });

  it('lets redirect_uri be left out only for a single non-loopback registration', async () => {
    expect((await run({ redirect_uri: undefined })).kind).toBe('consent');
    const loopback = { ...deps, findClient: async () => ({ ...dcrClient, redirectUris: ['http://127.0.0.1/cb'] }) };
    expect((await runAuthorize(query({ ...base, redirect_uri: undefined }), 300, loopback)).kind).toBe('error-page');
  });

  it.each([
    ['response_type missing', { response_type: undefined }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_mode form_post', { response_mode: 'form_post' }, 'invalid_request'],
    ['PKCE missing', { code_challenge: undefined }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE method missing', { code_challenge_method: undefined }, 'invalid_request'],
    ['challenge too short', { code_challenge: CHALLENGE.slice(1) }, 'invalid_request'],
    ['challenge with padding', { code_challenge: `${CHALLENGE.slice(1)}=` }, 'invalid_request'],
    ['admin for a dynamic client', { scope: 'read admin' }, 'invalid_scope'],
    ['an unknown scope', { scope: 'openid' }, 'invalid_scope'],
    ['another server\'s scope', { scope: 'https://other.example.com/mcp/read' }, 'invalid_scope'],
    ['another resource', { resource: 'https://other.example.com/mcp' }, 'invalid_target'],
    ['a resource with a query', { resource: `${RESOURCE}?x=1` }, 'invalid_target'],
    ['prompt=none', { prompt: 'none' }, 'consent_required'],
  ])('%s: an error redirect with state and iss', async (_name, params, code) => {
    const location = await redirectError(params);
    expect(location.origin + location.pathname).toBe('https://app.example.com/cb');
    expect(location.searchParams.get('error')).toBe(code);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('refuses a state that is too long or not printable, without echoing it', async () => {
    for (const state of ['x'.repeat(513), 'a\u0000b', 'é']) {
      const location = await redirectError({ state });
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.has('state')).toBe(false);
      expect(location.searchParams.get('iss')).toBe(ISSUER);
    }
  });

  it('accepts short and full scope names, notes offline_access without forwarding it', async () => {
    const outcome = await run({ scope: `read ${RESOURCE}/write offline_access` });
    if (outcome.kind !== 'consent') throw new Error(outcome.kind);
    expect(outcome.ctx.scopes).toEqual([`${RESOURCE}/read`, `${RESOURCE}/write`]);
    expect(outcome.ctx.offlineAccess).toBe(true);
    const none = await run({ scope: undefined });
    if (none.kind !== 'consent') throw new Error(none.kind);
    expect(none.ctx.scopes).toEqual(dcrClient.scopes);
  });

  it('accepts the resource with a trailing slash or upper-case host, and always forwards the canonical one', async () => {
    for (const resource of [undefined, RESOURCE, `${RESOURCE}/`, 'https://MCP.example.com/mcp']) {
      const outcome = await run({ resource });
      if (outcome.kind !== 'consent') throw new Error(`${resource}: ${outcome.kind}`);
      expect(outcome.ctx.resource).toBe(RESOURCE);
    }
  });

  it('forwards prompt=none and prompt=login for an operator client', async () => {
    for (const prompt of ['none', 'login'] as const) {
      const outcome = await run({ client_id: 'op1', prompt });
      if (outcome.kind !== 'to-cognito') throw new Error(outcome.kind);
      expect(outcome.ctx.prompt).toBe(prompt);
    }
  });

  it('turns an unexpected failure (the registry down) into a page with server_error', async () => {
    const broken = { ...deps, findClient: async () => { throw new Error('DynamoDB timed out'); } };
    const outcome = await runAuthorize(query(base), 300, broken);
    expect(outcome).toMatchObject({ kind: 'error-page', error: { code: 'server_error' } });
  });
});
