import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DAMAGED_CLIENT_RECORD } from '../../lib/client-record.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import {
  type FlowClient,
  authorizationCodeFlow,
  authorizeThroughFacade,
  jwtClaims,
  pkcePair,
  tokenRequest,
} from '../support/authorization-code.js';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { initializeRequest, mcpPost } from '../support/demo-login.js';

/**
 * The facade end to end over HTTP (local stack: serverless-offline, cognito-local, DynamoDB Local):
 * the flows real clients use, and every hostile case the issue names. Every authorization
 * response a client gets must carry iss = the issuer, exactly.
 */
describe('the authorization code flow through the facade', () => {
  const stack = inject('stack');
  const randomPort = () => 20_000 + Math.floor(Math.random() * 40_000);

  async function register(body: Record<string, unknown>) {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'facade test', ...body }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { client_id: string; client_secret?: string; scope: string; redirect_uris: string[] };
  }

  /** GET /authorize with sensible defaults, in a fresh browser unless one is given. */
  async function authorize(params: Record<string, string | undefined>, browser = new BrowserFetch(new URL(stack.baseUrl).origin)) {
    const url = new URL(`${stack.baseUrl}/authorize`);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
    return { response: await browser.fetch(url), browser };
  }
  const defaults = (clientId: string, redirectUri: string) => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'client-state-123',
  });

  function expectIss(location: URL) {
    expect(location.searchParams.getAll('iss')).toEqual([stack.baseUrl]);
  }

  async function expectErrorPage(response: Response, text?: RegExp) {
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    if (text) expect(await response.text()).toMatch(text);
  }

  it('a public DCR client registered with http://127.0.0.1/cb signs in on any port, with state and iss exact', async () => {
    const registration = await register({ redirect_uris: ['http://127.0.0.1/cb'], application_type: 'native' });
    const redirectUri = `http://127.0.0.1:${randomPort()}/cb`;
    const run = await authorizeThroughFacade(stack, { clientId: registration.client_id, redirectUri });
    expect(run.consentHtml).toContain('Allow <bdi>facade test</bdi> to use this MCP server?');
    expect(`${run.redirect.origin}${run.redirect.pathname}`).toBe(redirectUri);
    expect(run.redirect.searchParams.get('state')).toBe(run.state);
    expectIss(run.redirect);
    const response = await tokenRequest(stack, { clientId: registration.client_id }, {
      grant_type: 'authorization_code',
      code: run.redirect.searchParams.get('code')!,
      redirect_uri: redirectUri,
      code_verifier: run.verifier,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as { access_token: string; refresh_token: string; scope: string };
    expect(jwtClaims(tokens.access_token)).toMatchObject({ client_id: registration.client_id, token_use: 'access' });
    expect(tokens.scope).toBe(`${stack.mcpUrl}/read ${stack.mcpUrl}/write`);
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
  });

  it('[::1] loopback works on any port too, and localhost does not stand in for it', async () => {
    const registration = await register({ redirect_uris: ['http://[::1]/callback'] });
    const redirectUri = `http://[::1]:${randomPort()}/callback`;
    const tokens = await authorizationCodeFlow(stack, { clientId: registration.client_id, redirectUri });
    expect(tokens.access_token).toBeTruthy();
    const { response } = await authorize(defaults(registration.client_id, `http://localhost:${randomPort()}/callback`));
    await expectErrorPage(response, /not one this client registered/);
  });

  it.each(['client_secret_basic', 'client_secret_post'] as const)('a confidential client (%s) signs in, refreshes, and a wrong secret is invalid_client', async (method) => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: method });
    expect(registration.client_secret).toBeTruthy();
    const client: FlowClient = { clientId: registration.client_id, clientSecret: registration.client_secret!, authMethod: method, redirectUri: 'https://app.example.com/cb' };
    const tokens = await authorizationCodeFlow(stack, client);
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const wrong = await tokenRequest(stack, { ...client, clientSecret: 'not-the-secret' }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    // The other method than the one registered is refused.
    const other = await tokenRequest(stack, { ...client, authMethod: method === 'client_secret_basic' ? 'client_secret_post' : 'client_secret_basic' }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(other.status).toBe(401);
  });

  it('a code redeemed with a wrong secret is refused by Cognito (invalid_client)', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'client_secret_basic' });
    const client: FlowClient = { clientId: registration.client_id, clientSecret: 'wrong-secret', redirectUri: 'https://app.example.com/cb' };
    const run = await authorizeThroughFacade(stack, client);
    const response = await tokenRequest(stack, client, { grant_type: 'authorization_code', code: run.redirect.searchParams.get('code')!, redirect_uri: client.redirectUri, code_verifier: run.verifier });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('offline_access (ChatGPT style) is accepted, not sent to Cognito, and named in the token response', async () => {
    const registration = await register({ redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'] });
    const client = { clientId: registration.client_id, redirectUri: 'https://chatgpt.com/connector_platform_oauth_redirect', scope: `${stack.mcpUrl}/read offline_access` };
    const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
    const { response } = await authorize({ ...defaults(client.clientId, client.redirectUri), scope: client.scope }, browser);
    expect(await response.text()).toContain('Stay connected without asking again, for up to 30 days after you sign in');
    const tokens = await authorizationCodeFlow(stack, client);
    expect(tokens.scope).toBe(`${stack.mcpUrl}/read offline_access`);
    expect(tokens.refresh_token).toBeTruthy();
    expect(jwtClaims(tokens.access_token).scope).toBe(`${stack.mcpUrl}/read`);
  });

  it('a client that did not ask for offline_access is told too that it stays connected, and gets a refresh token', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'] });
    const { response } = await authorize(defaults(registration.client_id, 'https://app.example.com/cb'));
    expect(await response.text()).toContain('Stay connected without asking again, for up to 30 days after you sign in');
    expect((await authorizationCodeFlow(stack, { clientId: registration.client_id, redirectUri: 'https://app.example.com/cb' })).refresh_token).toBeTruthy();
  });

  it('a public operator client sent to a loopback port is asked consent (any local program may listen there), on the port it registered and on any other', async () => {
    for (const port of [53682, randomPort()]) {
      const { response } = await authorize({ ...defaults(stack.operatorClientId, `http://localhost:${port}/callback`), prompt: 'none' });
      // prompt=none cannot skip the page: the client gets consent_required, no code.
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('consent_required');
      const shown = await authorize(defaults(stack.operatorClientId, `http://localhost:${port}/callback`));
      expect(shown.response.status).toBe(200);
      const html = await shown.response.text();
      expect(html).toContain('Registered by the operator of this server.');
      expect(html).toContain(`an application on this computer (<code>http://localhost:${port}</code>)`);
    }
  });

  it('an operator client, once allowed, goes to Cognito with the facade callback, its state and redirect URI sealed', async () => {
    const { response: page, browser } = await authorize(defaults(stack.operatorClientId, 'http://localhost:53682/callback'));
    const form = consentForm(await page.text());
    const response = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${stack.cognitoEndpoint}/oauth2/authorize`);
    expect(location.searchParams.get('redirect_uri')).toBe(`${stack.baseUrl}/oauth/callback`);
    expect(location.searchParams.get('client_id')).toBe(stack.operatorClientId);
    expect(location.searchParams.get('resource')).toBe(stack.mcpUrl);
    expect(location.searchParams.get('state')).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    // The client's state and redirect URI travel sealed, not in clear.
    expect(location.href).not.toContain('client-state-123');
    // serverless-offline re-serialises Set-Cookie (attribute order); the exact line is a unit test.
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-mcp-authz-'));
    expect(cookie).toMatch(/^__Host-mcp-authz-[\w-]{12}=[\w-]{43};/);
    for (const attribute of ['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax', 'Max-Age=600']) expect(cookie!.split('; ')).toContain(attribute);
  });

  it('an unknown client, an unregistered redirect URI and repeated parameters are error pages, never redirects', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'] });
    await expectErrorPage((await authorize(defaults('nosuchclient123', 'https://app.example.com/cb'))).response, /not registered/);
    await expectErrorPage((await authorize(defaults(registration.client_id, 'https://evil.example.com/cb'))).response);
    await expectErrorPage((await authorize(defaults(registration.client_id, 'https://app.example.com/cb/../evil'))).response);
    const url = new URL(`${stack.baseUrl}/authorize`);
    url.search = new URLSearchParams(defaults(registration.client_id, 'https://app.example.com/cb')).toString() + '&redirect_uri=https%3A%2F%2Fevil.example.com%2Fcb';
    await expectErrorPage(await fetch(url, { redirect: 'manual' }), /must not be repeated/);
  });

  it('the callback refuses a parameter sent twice, and /consent a body that is not a readable form, with a page', async () => {
    const callback = await fetch(`${stack.baseUrl}/oauth/callback?code=a&code=b&state=s`, { redirect: 'manual' });
    expect(callback.status).toBe(400);
    expect(callback.headers.get('location')).toBeNull();
    expect(await callback.text()).toMatch(/repeated parameters/);
    for (const [type, body] of [['application/json', '{"decision":"allow"}'], ['application/x-www-form-urlencoded', 'decision=allow&decision=deny']]) {
      const consent = await fetch(`${stack.baseUrl}/consent`, { method: 'POST', headers: { 'Content-Type': type!, Origin: new URL(stack.baseUrl).origin }, body, redirect: 'manual' });
      expect(consent.status).toBe(400);
      expect(consent.headers.get('location')).toBeNull();
      expect(await consent.text()).toMatch(/This page expired or was not opened by you/);
    }
  });

  it.each([
    ['PKCE missing', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE without a method (plain by default)', { code_challenge_method: undefined }, 'invalid_request'],
    ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_mode fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ['the admin scope for a dynamic client', { scope: 'admin' }, 'invalid_scope'],
    ['another resource', { resource: 'https://other.example.com/mcp' }, 'invalid_target'],
    ['prompt=none (consent is an interaction)', { prompt: 'none' }, 'consent_required'],
  ])('%s is an error redirect with state and iss', async (_name, overrides, error) => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb?tenant=1'] });
    const { response } = await authorize({ ...defaults(registration.client_id, 'https://app.example.com/cb?tenant=1'), ...overrides });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/cb');
    expect(location.searchParams.get('tenant')).toBe('1');
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('client-state-123');
    expectIss(location);
  });

  it('Deny on the consent page is access_denied with state and iss', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'] });
    const { response, browser } = await authorize(defaults(registration.client_id, 'https://app.example.com/cb'));
    const form = consentForm(await response.text());
    const denied = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request: form.request, decision: 'deny' }).toString(),
    });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('client-state-123');
    expectIss(location);
  });

  it('consent without its CSRF cookie, from another browser, cross-site, or tampered is an error page', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'] });
    const { response, browser } = await authorize(defaults(registration.client_id, 'https://app.example.com/cb'));
    const form = consentForm(await response.text());
    const post = (headers: Record<string, string>, request = form.request, via = browser) =>
      via.fetch(form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ request, decision: 'allow' }).toString(),
      });
    const expired = /expired or was not opened by you/;
    await expectErrorPage(await post({ Cookie: '' }), expired);
    const other = (await authorize(defaults(registration.client_id, 'https://app.example.com/cb'))).browser;
    await expectErrorPage(await post({}, form.request, other), expired);
    await expectErrorPage(await post({ Origin: 'https://evil.example.com' }), expired);
    await expectErrorPage(await post({ 'Sec-Fetch-Site': 'cross-site' }), expired);
    const flipped = form.request.slice(0, 20) + (form.request[20] === 'A' ? 'B' : 'A') + form.request.slice(21);
    await expectErrorPage(await post({}, flipped), expired);
    // The genuine post still works after all that.
    expect((await post({ Origin: browser.origin })).status).toBe(302);
  });

  it('a callback replayed, or brought back in another browser, is an error page', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'] });
    const { response, browser } = await authorize(defaults(registration.client_id, 'https://app.example.com/cb'));
    const form = consentForm(await response.text());
    const toCognito = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
    });
    const callback = await signInThroughLoginPage(new URL(toCognito.headers.get('location')!), stack.demoUser);
    // Another browser (no authz cookie) cannot use this callback.
    await expectErrorPage(await fetch(callback, { redirect: 'manual' }), /not started in this browser/);
    const cookies = new Map(browser.cookies);
    const first = await browser.fetch(callback);
    expect(first.status).toBe(302);
    expectIss(new URL(first.headers.get('location')!));
    // Replayed with the same cookies (an attacker who kept them): the state is single use.
    const replay = new BrowserFetch(browser.origin);
    for (const [name, value] of cookies) replay.cookies.set(name, value);
    await expectErrorPage(await replay.fetch(callback), /already used/);
  });

  it('a code is single use, bound to its client and redirect URI, and needs the right verifier', async () => {
    const first = await register({ redirect_uris: ['http://localhost/cb', 'http://localhost/other'] });
    const second = await register({ redirect_uris: ['http://localhost/cb'] });
    const redirectUri = `http://localhost:${randomPort()}/cb`;
    const exchange = (clientId: string, code: string, verifier: string, uri = redirectUri) =>
      tokenRequest(stack, { clientId }, { grant_type: 'authorization_code', code, redirect_uri: uri, code_verifier: verifier });
    const expectInvalidGrant = async (response: Response) => {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    };
    const run = await authorizeThroughFacade(stack, { clientId: first.client_id, redirectUri });
    const code = run.redirect.searchParams.get('code')!;
    await expectInvalidGrant(await exchange(second.client_id, code, run.verifier));
    await expectInvalidGrant(await exchange(first.client_id, code, run.verifier, `http://localhost:${randomPort()}/other`));
    // Another authentication method than the code's (a secret from a public client): 401 invalid_client,
    // read from DynamoDB after the refused delete; the code stays redeemable by its client.
    const wrongMethod = await tokenRequest(stack, { clientId: first.client_id, clientSecret: 'not-a-secret', authMethod: 'client_secret_post' }, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: run.verifier });
    expect(wrongMethod.status).toBe(401);
    expect(await wrongMethod.json()).toMatchObject({ error: 'invalid_client' });
    const missing = await tokenRequest(stack, { clientId: first.client_id }, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    expect((await exchange(first.client_id, code, run.verifier)).status).toBe(200);
    await expectInvalidGrant(await exchange(first.client_id, code, run.verifier));

    const again = await authorizeThroughFacade(stack, { clientId: first.client_id, redirectUri });
    await expectInvalidGrant(await exchange(first.client_id, again.redirect.searchParams.get('code')!, pkcePair().verifier));
  });

  it('a failed exchange (wrong verifier, wrong resource) does not spend the code: its client still redeems it', async () => {
    const registration = await register({ redirect_uris: ['http://localhost/cb'] });
    const redirectUri = `http://localhost:${randomPort()}/cb`;
    const run = await authorizeThroughFacade(stack, { clientId: registration.client_id, redirectUri });
    const form = { grant_type: 'authorization_code', code: run.redirect.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: run.verifier };
    const wrongVerifier = await tokenRequest(stack, { clientId: registration.client_id }, { ...form, code_verifier: pkcePair().verifier });
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/PKCE/) });
    const wrongResource = await tokenRequest(stack, { clientId: registration.client_id }, { ...form, resource: 'https://elsewhere.example.com/mcp' });
    expect(wrongResource.status).toBe(400);
    expect(await wrongResource.json()).toMatchObject({ error: 'invalid_target' });
    const redeemed = await tokenRequest(stack, { clientId: registration.client_id }, { ...form, resource: stack.mcpUrl });
    expect(redeemed.status, await redeemed.clone().text()).toBe(200);
    expect((await tokenRequest(stack, { clientId: registration.client_id }, form)).status).toBe(400);
  });

  it('/token: a form only, no repeated parameter, unknown grants refused, CORS for any origin without credentials', async () => {
    const json = await fetch(`${stack.baseUrl}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const repeated = await fetch(`${stack.baseUrl}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code&client_id=x' });
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await fetch(`${stack.baseUrl}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:6274' }, body: 'grant_type=password&client_id=x' });
    expect(await unknown.json()).toMatchObject({ error: 'unsupported_grant_type' });
    expect(unknown.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(unknown.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${stack.baseUrl}/token`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('a client whose registry row does not parse (an unknown source) is refused at /authorize and /token, never a 5xx', async () => {
    const clientId = `damaged${crypto.randomUUID().replaceAll('-', '').slice(0, 19)}`;
    const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
    try {
      const row = { clientId, status: 'active', source: 'partner', clientName: 'damaged', redirectUris: ['http://127.0.0.1/cb'], createdAt: 1 };
      await DynamoDBDocumentClient.from(dynamoDb).send(new PutCommand({ TableName: 'secure-mcp-local-clients', Item: row }));
    } finally {
      dynamoDb.destroy();
    }
    const page = (await authorize(defaults(clientId, 'http://127.0.0.1/cb'))).response;
    await expectErrorPage(page.clone());
    expect((await page.text()).replaceAll('&#39;', "'").replaceAll('&#x27;', "'")).toContain(DAMAGED_CLIENT_RECORD);
    const token = await fetch(`${stack.baseUrl}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: 'x' }),
    });
    expect(token.status).toBe(401);
    expect(await token.json()).toEqual({ error: 'invalid_client', error_description: DAMAGED_CLIENT_RECORD });
  });
});
