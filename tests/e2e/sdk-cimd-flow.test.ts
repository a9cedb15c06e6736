import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, inject, it } from 'vitest';
import { authorizeThroughFacade } from '../support/authorization-code.js';
import { BrowserFetch } from '../support/browser-fetch.js';
import { InMemoryOAuthProvider } from '../support/oauth-provider.js';

/**
 * The official SDK client registering by Client ID Metadata Document: its client_id is the https
 * URL of its document (served by the tests' CIMD host, allowed locally through LOCAL_CIMD_ORIGINS),
 * no DCR happens, the facade fetches the document, makes one Cognito app client for it, and the
 * SDK signs in through the facade and calls whoami.
 */
describe('MCP SDK client with clientMetadataUrl (CIMD)', () => {
  const stack = inject('stack');
  const cimd = inject('cimd');

  it('signs in with its document URL as client_id and calls whoami', async () => {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const redirectUrl = `http://127.0.0.1:${port}/callback`;
    const name = `sdk-${crypto.randomUUID().slice(0, 8)}`;
    const documentUrl = `${cimd.origin}/${name}.json`;
    writeFileSync(join(cimd.dir, `${name}.json`), JSON.stringify({
      client_id: documentUrl, client_name: 'SDK via CIMD', redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }));
    const provider = new InMemoryOAuthProvider(redirectUrl);
    (provider as unknown as { clientMetadataUrl: string }).clientMetadataUrl = documentUrl;
    const firstTransport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'e2e-cimd', version: '1.0.0' });
    await expect(client.connect(firstTransport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.registeredClient?.client_id).toBe(documentUrl);
    const authorizationUrl = provider.authorizationUrl!;
    expect(authorizationUrl.searchParams.get('client_id')).toBe(documentUrl);

    // The browser: the same steps as any client, from the SDK's own authorization URL.
    const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
    const run = await authorizeThroughFacade(stack, { clientId: documentUrl, redirectUri: redirectUrl }, { browser, extra: {} });
    expect(run.consentHtml).toContain('Published by <strong>localhost:');
    // The SDK's own PKCE verifier belongs to its URL, so the test replays its authorization URL.
    const page = await browser.fetch(authorizationUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    const request = /name="request" value="([^"]+)"/.exec(html)![1]!;
    const toCognito = await browser.fetch(`${stack.baseUrl}/consent`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request, decision: 'allow' }).toString(),
    });
    const { signInThroughLoginPage } = await import('../support/cognito-login.js');
    const back = await browser.fetch(await signInThroughLoginPage(new URL(toCognito.headers.get('location')!), stack.demoUser));
    const redirect = new URL(back.headers.get('location')!);
    expect(redirect.searchParams.get('iss')).toBe(stack.baseUrl);
    await firstTransport.finishAuth(redirect.searchParams.get('code')!);

    const transport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      // whoami names the client as it knows itself (its document URL) and the user by e-mail.
      expect(result.structuredContent).toMatchObject({
        sub: stack.demoUser.sub, email: stack.demoUser.username, clientId: documentUrl, cognitoClientId: expect.stringMatching(/^\w+$/),
      });
      expect((result.content as Array<{ text: string }>)[0]!.text).toContain(`You are ${stack.demoUser.username} `);
    } finally {
      await client.close();
    }
  });
});
