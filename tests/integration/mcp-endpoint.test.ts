import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';

describe('MCP endpoint (stateless Streamable HTTP)', () => {
  const stack = inject('stack');
  let session: DemoSession;

  beforeAll(async () => {
    session = await signInDemoUser(stack);
  });

  it('answers initialize with JSON and no session id', async () => {
    const response = await mcpPost(stack, initializeRequest, { token: session.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = await response.json();
    expect(body.result.capabilities.tools).toBeDefined();
  });

  it('returns the caller the authorizer verified from whoami, matching its output schema', async () => {
    const list = await (await mcpPost(stack, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { token: session.accessToken })).json();
    const whoamiTool = list.result.tools.find((tool: { name: string }) => tool.name === 'whoami');
    expect(whoamiTool.outputSchema.required).toEqual(
      expect.arrayContaining(['sub', 'username', 'clientId', 'scopes', 'groups', 'tokenExpiresAt']),
    );
    expect(whoamiTool.annotations.readOnlyHint).toBe(true);

    const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
    const body = await (await mcpPost(stack, call, { token: session.accessToken })).json();
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString());
    expect(body.result.structuredContent).toEqual({
      // Read from Cognito (AdminGetUser): the access token has no email claim, its username is an opaque id.
      email: stack.demoUser.username,
      sub: stack.demoUser.sub,
      username: claims.username,
      principal: stack.demoUser.sub,
      authMethod: 'jwt',
      clientId: session.clientId,
      scopes: claims.scope.split(' '),
      // No admin: the mcp-admins group grants it only through clients the operator registered.
      grantedScopes: ['read', 'write'],
      groups: ['mcp-admins'],
      tokenExpiresAt: new Date(claims.exp * 1000).toISOString(),
    });
    expect(body.result.content[0].text).toContain(`You are ${stack.demoUser.username} (sub ${stack.demoUser.sub})`);
  });

  it.each(['GET', 'DELETE'])('answers %s with 405, Allow: POST, OPTIONS and a JSON-RPC error', async (method) => {
    const response = await fetch(stack.mcpUrl, { method, headers: { Authorization: `Bearer ${session.accessToken}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const response = await mcpPost(stack, '{"jsonrpc": "2.0", "id": 1,', { token: session.accessToken });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  it('answers a wrong content type with 415 and a JSON-RPC error', async () => {
    const response = await mcpPost(stack, 'hello', { token: session.accessToken, headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/content-type/i) } });
  });

  it('answers a missing Accept header with 406 and a JSON-RPC error', async () => {
    const response = await mcpPost(stack, initializeRequest, { token: session.accessToken, headers: { Accept: 'application/json' } });
    expect(response.status).toBe(406);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: {} });
  });

  it('refuses a body over the size limit with 413 and a JSON-RPC error', async () => {
    const oversized = JSON.stringify({ ...initializeRequest, padding: 'x'.repeat(1_100_000) });
    const response = await mcpPost(stack, oversized, { token: session.accessToken });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: {} });
  });

  it('answers an unknown tool with a JSON-RPC error, not a 500', async () => {
    const call = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'nope', arguments: {} } };
    const response = await mcpPost(stack, call, { token: session.accessToken });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.error?.code ?? body.result?.isError).toBeTruthy();
  });
});
