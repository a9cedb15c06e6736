import { describe, expect, inject, it } from 'vitest';
import { mcpPost } from '../support/demo-login.js';
import { EXTRA_ALLOWED_ORIGIN } from '../support/global-setup.js';

/**
 * A newcomer allows another browser origin for the local stack with MCP_LOCAL_ALLOWED_ORIGINS (the
 * test stack is started with the Inspector's origin and EXTRA_ALLOWED_ORIGIN, as `npm start` would
 * be). It must reach serverless.yml's allowedOrigins, and so the MCP function, the registration
 * function and the gateway proxy's own 401s; an origin not listed stays refused.
 */
describe('MCP_LOCAL_ALLOWED_ORIGINS allows another browser origin on the local stack', () => {
  const stack = inject('stack');
  const notListed = 'http://localhost:5174';
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });

  it('answers the preflight of /mcp for the listed origin, and refuses one not listed', async () => {
    const allowed = await preflight(stack.mcpUrl, EXTRA_ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(EXTRA_ALLOWED_ORIGIN);
    const refused = await preflight(stack.mcpUrl, notListed);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets the listed origin read the gateway's 401 challenge, and not another", async () => {
    const unauthenticated = (origin: string) => mcpPost(stack, { jsonrpc: '2.0', id: 1, method: 'ping' }, { headers: { Origin: origin } });
    const allowed = await unauthenticated(EXTRA_ALLOWED_ORIGIN);
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(EXTRA_ALLOWED_ORIGIN);
    const other = await unauthenticated(notListed);
    expect(other.status).toBe(401);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the listed origin register a client, and refuses one not listed with 403', async () => {
    const register = (origin: string) =>
      fetch(`${stack.baseUrl}/register`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'local origins', redirect_uris: [`${EXTRA_ALLOWED_ORIGIN}/oauth/callback`] }),
      });
    const allowed = await register(EXTRA_ALLOWED_ORIGIN);
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(EXTRA_ALLOWED_ORIGIN);
    const refused = await register(notListed);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'access_denied' });
  });

  it("keeps the MCP Inspector's origin, listed with it", async () => {
    const inspector = await preflight(stack.mcpUrl, 'http://localhost:6274');
    expect(inspector.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
  });
});
