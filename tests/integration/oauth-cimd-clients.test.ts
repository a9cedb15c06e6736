import { describe, expect, inject, it } from 'vitest';
import { authorizationCodeFlow, authorizeThroughFacade, jwtClaims } from '../support/authorization-code.js';
import { type ClientSigningKey, assertionFields, clientAssertion, clientSigningKey, publishedDocument, servePublishedDocument } from '../support/client-metadata.js';
import { initializeRequest, mcpPost } from '../support/demo-login.js';

/**
 * The metadata documents the biggest clients publish (tests/fixtures/client-metadata: ChatGPT,
 * VS Code, Claude, Codex), served by the tests' https CIMD host at local URLs, signing in through
 * the local stack; and RFC 7523 client assertions signed with jose, verified at /token and /revoke
 * against the document's jwks_uri (fetched from the same host), their jtis in DynamoDB Local.
 * Key rotation (a new kid) is shown with a controlled clock in tests/unit/client-assertions.test.ts:
 * here the function's JWKS cache would hold the first set for its one-minute floor.
 */
describe('the published documents of ChatGPT, VS Code, Claude and Codex at /authorize, /token and /revoke', () => {
  const stack = inject('stack');
  const cimd = inject('cimd');
  const tokenUrl = `${stack.baseUrl}/token`;
  const post = (path: 'token' | 'revoke', fields: Record<string, string>) =>
    fetch(`${stack.baseUrl}/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

  /** The browser half, then the code as the client's own fields redeem it. */
  async function codeFor(clientId: string, redirectUri: string) {
    const run = await authorizeThroughFacade(stack, { clientId, redirectUri });
    expect(run.redirect.searchParams.get('error'), run.redirect.href).toBeNull();
    expect(run.consentHtml).toContain('Published by');
    return { grant_type: 'authorization_code', code: run.redirect.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: run.verifier };
  }

  it.each([
    ['vscode', 'http://127.0.0.1:33418/'],
    ['vscode', 'https://vscode.dev/redirect'],
    ['claude', 'https://claude.ai/api/mcp/auth_callback'],
    ['codex', `http://127.0.0.1:${40_000 + Math.floor(Math.random() * 20_000)}/callback`],
  ] as const)("%s's document signs in (redirect %s) and its tokens reach /mcp", async (name, redirectUri) => {
    const doc = servePublishedDocument(cimd, name);
    const tokens = await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri });
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
  });

  it("ChatGPT's document signs in with signed assertions at /token (code, refresh) and /revoke; a replayed one is invalid_client", async () => {
    const key = await clientSigningKey('RS256');
    const doc = servePublishedDocument(cimd, 'chatgpt');
    doc.publishJwks({ keys: [key.publicJwk] });
    const redirectUri = 'https://chatgpt.com/connector_platform_oauth_redirect';
    const code = await codeFor(doc.url, redirectUri);
    const assertion = await clientAssertion(key, doc.url, tokenUrl);
    const exchanged = await post('token', { ...code, ...assertionFields(assertion, doc.url) });
    expect(exchanged.status, await exchanged.clone().text()).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; refresh_token: string };
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);

    const replayed = await post('token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...assertionFields(assertion, doc.url) });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_client', error_description: expect.stringContaining('already used') });

    const refreshed = await post('token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...assertionFields(await clientAssertion(key, doc.url, stack.baseUrl), doc.url) });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    // It offers none as well, so it may also refresh without signing.
    const unsigned = await post('token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: doc.url });
    expect(unsigned.status, await unsigned.clone().text()).toBe(200);

    const revoked = await post('revoke', { token: tokens.access_token, ...assertionFields(await clientAssertion(key, doc.url, `${stack.baseUrl}/revoke`), doc.url) });
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(401);
  });

  it('a document offering only private_key_jwt: the code needs a valid assertion; bad ones are 401 invalid_client and leave it usable', async () => {
    const key = await clientSigningKey('ES256');
    const doc = servePublishedDocument(cimd, 'chatgpt', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    doc.publishJwks({ keys: [key.publicJwk] });
    const code = await codeFor(doc.url, 'https://chatgpt.com/connector_platform_oauth_redirect');
    const stranger: ClientSigningKey = { ...(await clientSigningKey('ES256')), kid: key.kid };
    const bad: Array<[string, Record<string, string>]> = [
      ['no assertion', { client_id: doc.url }],
      ['another key', assertionFields(await clientAssertion(stranger, doc.url, tokenUrl), doc.url)],
      ['another audience', assertionFields(await clientAssertion(key, doc.url, 'https://elsewhere.example.com/token'), doc.url)],
      ['expired', assertionFields(await clientAssertion(key, doc.url, tokenUrl, { expiresIn: -300 }), doc.url)],
      ['alg none', assertionFields(`${b64({ alg: 'none' })}.${b64({ iss: doc.url, sub: doc.url, aud: tokenUrl, exp: now() + 60, jti: 'n1' })}.`, doc.url)],
      ['oversized', assertionFields(await clientAssertion(key, doc.url, tokenUrl, { claims: { pad: 'x'.repeat(17_000) } }), doc.url)],
    ];
    for (const [name, fields] of bad) {
      const response = await post('token', { ...code, ...fields });
      expect(response.status, name).toBe(401);
      expect(await response.json(), name).toMatchObject({ error: 'invalid_client' });
    }
    const good = await post('token', { ...code, ...assertionFields(await clientAssertion(key, doc.url, tokenUrl), doc.url) });
    expect(good.status, await good.clone().text()).toBe(200);
    const { access_token: accessToken } = (await good.json()) as { access_token: string };
    expect(typeof jwtClaims(accessToken).client_id).toBe('string');
    const unsignedRevoke = await post('revoke', { token: accessToken, client_id: doc.url });
    expect(unsignedRevoke.status).toBe(401);
    expect(await unsignedRevoke.json()).toMatchObject({ error: 'invalid_client' });
  });

  it("VS Code's DCR registration (a device code grant among its grants) registers, with the grants this server serves", async () => {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(publishedDocument('vscode-registration')),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const registered = (await response.json()) as { client_id: string; grant_types: string[]; response_types: string[]; token_endpoint_auth_method: string };
    expect(registered).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    const tokens = await authorizationCodeFlow(stack, { clientId: registered.client_id, redirectUri: 'http://127.0.0.1:33418/' });
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
  });

  it('AS metadata lists private_key_jwt with RS256 and ES256', async () => {
    const metadata = await (await fetch(`${stack.baseUrl}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
  });

  it('a document URL whose host does not resolve: a plain reason on the page, no resolver text', async () => {
    const page = await fetch(`${stack.baseUrl}/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'https://no-such-host.invalid/client.json', redirect_uri: 'http://127.0.0.1/cb', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' })}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('no-such-host.invalid');
    expect(html).not.toMatch(/getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/);
  });
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
