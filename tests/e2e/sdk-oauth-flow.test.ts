import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, inject, it } from 'vitest';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { InMemoryOAuthProvider } from '../support/oauth-provider.js';

/**
 * The whole thin slice with the official MCP SDK client and no AWS account:
 * 401 + resource_metadata → protected resource metadata → authorization server metadata →
 * dynamic client registration → cognito-local login page → code + PKCE → tools/call whoami.
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

  it('discovers, registers, signs in with PKCE and calls whoami as the demo user', async () => {
    const provider = new InMemoryOAuthProvider('http://localhost:53682/callback');
    const firstTransport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'e2e', version: '1.0.0' });

    await expect(client.connect(firstTransport)).rejects.toBeInstanceOf(UnauthorizedError);

    // Discovery and registration happened on the way: the SDK registered itself with our DCR
    // endpoint and is sending the browser to Cognito's authorize endpoint with PKCE S256.
    expect(provider.registeredClient?.client_id).toMatch(/^\w+$/);
    const authorizationUrl = provider.authorizationUrl!;
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${stack.cognitoEndpoint}/oauth2/authorize`);
    expect(authorizationUrl.searchParams.get('client_id')).toBe(provider.registeredClient?.client_id);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(stack.mcpUrl);

    const redirect = await signInThroughLoginPage(authorizationUrl, stack.demoUser);
    expect(`${redirect.origin}${redirect.pathname}`).toBe('http://localhost:53682/callback');
    expect(redirect.searchParams.get('state')).toBe(authorizationUrl.searchParams.get('state'));
    await firstTransport.finishAuth(redirect.searchParams.get('code')!);
    expect(provider.tokens()?.access_token).toBeTruthy();

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
  });
});
