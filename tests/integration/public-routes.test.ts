import { describe, expect, inject, it } from 'vitest';

describe('public routes: metadata, health and unknown routes', () => {
  const stack = inject('stack');

  it('serves RFC 9728 protected resource metadata naming the MCP endpoint and this API as its authorization server', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: stack.mcpUrl,
        authorization_servers: [stack.baseUrl],
        bearer_methods_supported: ['header'],
      });
    }
  });

  it('serves RFC 8414 metadata whose issuer is the URL it is served under, pointing at the facade and our registration endpoint', async () => {
    const response = await fetch(`${stack.baseUrl}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = await response.json();
    expect(metadata).toMatchObject({
      issuer: stack.baseUrl,
      authorization_endpoint: `${stack.baseUrl}/authorize`,
      token_endpoint: `${stack.baseUrl}/token`,
      authorization_response_iss_parameter_supported: true,
      registration_endpoint: `${stack.baseUrl}/register`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    expect(metadata.scopes_supported).toEqual([`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`, 'offline_access']);
    // The same document at the OpenID Connect discovery path, and never offline_access in the resource metadata.
    const openid = await (await fetch(`${stack.baseUrl}/.well-known/openid-configuration`)).json();
    expect(openid).toMatchObject({ issuer: stack.baseUrl, authorization_endpoint: `${stack.baseUrl}/authorize`, token_endpoint: `${stack.baseUrl}/token` });
    const resource = await (await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(resource.scopes_supported).not.toContain('offline_access');
  });

  it('answers /health without authentication', async () => {
    const response = await fetch(`${stack.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['GET', '/nothing-here'],
    ['PUT', '/health'],
    ['PATCH', '/register'],
  ])('answers %s %s with a JSON 404', async (method, path) => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found', error_description: expect.any(String) });
  });
});
