import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { rpc } from '../support/mcp-calls.js';
import { createTestUser } from '../support/test-users.js';

/** The local stage allows the MCP Inspector's origin (serverless.yml params.local.allowedOrigins). */
const ALLOWED_ORIGIN = 'http://localhost:6274';

describe('MCP protocol hygiene and browser origins', () => {
  const stack = inject('stack');
  let session: DemoSession;

  beforeAll(async () => {
    session = await signInDemoUser(stack, { user: await createTestUser(stack) });
  });

  it.each(['2025-06-18', '2025-11-25'])('negotiates protocol version %s', async (version) => {
    const response = await mcpPost(stack, { ...initializeRequest, params: { ...initializeRequest.params, protocolVersion: version } }, { token: session.accessToken });
    expect(response.status).toBe(200);
    expect((await response.json()).result.protocolVersion).toBe(version);
  });

  it('answers an unknown protocol version in initialize with the latest it supports', async () => {
    const response = await mcpPost(stack, { ...initializeRequest, params: { ...initializeRequest.params, protocolVersion: '2023-01-01' } }, { token: session.accessToken });
    expect((await response.json()).result.protocolVersion).toBe('2025-11-25');
  });

  it('refuses an unsupported MCP-Protocol-Version header with 400', async () => {
    const answer = await rpc(stack, session.accessToken, 'ping', undefined, { 'MCP-Protocol-Version': '1999-01-01' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringContaining('protocol version') } });
  });

  it('answers ping, and a notification with 202 and no body', async () => {
    const ping = await rpc(stack, session.accessToken, 'ping');
    expect(ping.status).toBe(200);
    expect(ping.body.result).toEqual({});
    const notification = await mcpPost(stack, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token: session.accessToken });
    expect(notification.status).toBe(202);
  });

  it('refuses JSON-RPC batches with 400 and a JSON-RPC error', async () => {
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ];
    const response = await mcpPost(stack, batch, { token: session.accessToken, headers: { 'MCP-Protocol-Version': '2025-06-18' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/batch/i) } });
  });

  it('refuses a request from a browser origin that is not allowed with 403 (DNS rebinding protection)', async () => {
    const answer = await rpc(stack, session.accessToken, 'ping', undefined, { Origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/origin/i) } });
  });

  it('answers an allowed origin with its own origin, never *', async () => {
    const answer = await rpc(stack, session.accessToken, 'ping', undefined, { Origin: ALLOWED_ORIGIN });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toContain('Origin');
    expect(answer.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('answers CORS preflights without a token, only for allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(stack.mcpUrl, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, mcp-protocol-version' },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('mcp-protocol-version');
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets a browser of an allowed origin read the gateway's 401 challenge, and no other origin", async () => {
    const unauthenticated = (origin: string) =>
      mcpPost(stack, { jsonrpc: '2.0', id: 1, method: 'ping' }, { headers: { Origin: origin } });
    const allowed = await unauthenticated(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(allowed.headers.get('www-authenticate')).toContain('resource_metadata=');
    const other = await unauthenticated('http://evil.example');
    expect(other.status).toBe(401);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
