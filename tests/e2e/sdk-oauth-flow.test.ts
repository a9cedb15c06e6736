import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, inject, it } from 'vitest';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { InMemoryOAuthProvider } from '../support/oauth-provider.js';
import { tokenRequest } from '../support/authorization-code.js';

/**
 * The whole thin slice with the official MCP SDK client and no AWS account:
 * 401 + resource_metadata → protected resource metadata → authorization server metadata →
 * dynamic client registration (a loopback redirect URI on 127.0.0.1, which Cognito itself would
 * refuse as a callback URL) → the facade's /authorize → consent → cognito-local login page →
 * the facade's callback → code + PKCE at the facade's /token → tools/call whoami → refresh.
 */
describe('MCP SDK client against the local stack', () => {
  const stack = inject('stack');

  it('starts from a 401 whose challenge points at the protected resource metadata', async () => {
    const response = await fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${stack.baseUrl}/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="A valid access token is required"`,
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('discovers, registers on a random 127.0.0.1 port, signs in through the facade and calls whoami, then refreshes via /token', async () => {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const redirectUrl = `http://127.0.0.1:${port}/callback`;
    const provider = new InMemoryOAuthProvider(redirectUrl);
    const firstTransport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'e2e', version: '1.0.0' });

    await expect(client.connect(firstTransport)).rejects.toBeInstanceOf(UnauthorizedError);

    // Discovery and registration happened on the way: the SDK registered itself with our DCR
    // endpoint and is sending the browser to the facade's authorize endpoint with PKCE S256.
    expect(provider.registeredClient?.client_id).toMatch(/^\w+$/);
    const authorizationUrl = provider.authorizationUrl!;
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${stack.baseUrl}/authorize`);
    expect(authorizationUrl.searchParams.get('client_id')).toBe(provider.registeredClient?.client_id);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(stack.mcpUrl);
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(redirectUrl);

    // The browser: consent page (Allow), Cognito's login, the facade's callback.
    const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
    const consentPage = await browser.fetch(authorizationUrl);
    expect(consentPage.status).toBe(200);
    const form = consentForm(await consentPage.text());
    const toCognito = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
    });
    expect(toCognito.status).toBe(302);
    const cognitoUrl = new URL(toCognito.headers.get('location')!);
    expect(`${cognitoUrl.origin}${cognitoUrl.pathname}`).toBe(`${stack.cognitoEndpoint}/oauth2/authorize`);
    expect(cognitoUrl.searchParams.get('redirect_uri')).toBe(`${stack.baseUrl}/oauth/callback`);
    const callback = await signInThroughLoginPage(cognitoUrl, stack.demoUser);
    const back = await browser.fetch(callback);
    expect(back.status).toBe(302);
    const redirect = new URL(back.headers.get('location')!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(redirectUrl);
    expect(redirect.searchParams.get('state')).toBe(authorizationUrl.searchParams.get('state'));
    expect(redirect.searchParams.get('iss')).toBe(stack.baseUrl);
    await firstTransport.finishAuth(redirect.searchParams.get('code')!);
    expect(provider.tokens()?.access_token).toBeTruthy();
    expect(provider.tokens()?.refresh_token).toBeTruthy();

    const transport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('whoami');
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        sub: stack.demoUser.sub,
        // The pool signs users in by email; the token's username is Cognito's internal one.
        username: expect.stringMatching(/\S/),
        clientId: provider.registeredClient?.client_id,
        groups: ['mcp-admins'],
      });
    } finally {
      await client.close();
    }

    // Refresh through the facade's token endpoint; the new access token works at /mcp.
    const refreshed = await tokenRequest(stack, { clientId: provider.registeredClient!.client_id }, {
      grant_type: 'refresh_token',
      refresh_token: provider.tokens()!.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
    const tokens = (await refreshed.json()) as { access_token: string };
    const ping = await fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }),
    });
    expect(ping.status).toBe(200);
  });
});
