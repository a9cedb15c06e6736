import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { listToolNames, rpc, scopeOf } from '../support/mcp-calls.js';
import { MODERN, modernMessage, modernRpc, standardHeaders } from '../support/mcp-modern.js';
import { createTestUser } from '../support/test-users.js';

/** 2026-07-28 and the 2025 revisions on the same endpoint, through the local stack. */
describe('MCP 2026-07-28 beside 2025-11-25 and 2025-06-18', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let readOnly: DemoSession;

  beforeAll(async () => {
    const user = await createTestUser(stack);
    [session, readOnly] = await Promise.all([
      signInDemoUser(stack, { user }),
      signInDemoUser(stack, { user, scope: scopeOf(stack, 'read') }),
    ]);
  });

  it('answers server/discover with 2026-07-28, its capabilities and serverInfo', async () => {
    const answer = await modernRpc(stack, session.accessToken, 'server/discover');
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({
      supportedVersions: [MODERN],
      capabilities: { tools: { listChanged: false } },
      resultType: 'complete',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'secure-mcp' } },
    });
  });

  it('lists the same tools in both eras, filtered by scope, with a private cache hint in 2026-07-28', async () => {
    for (const token of [session.accessToken, readOnly.accessToken]) {
      const modern = await modernRpc(stack, token, 'tools/list');
      expect(modern.body.result).toMatchObject({ resultType: 'complete', ttlMs: 60_000, cacheScope: 'private' });
      const names = modern.body.result.tools.map((tool: { name: string }) => tool.name).sort();
      expect(names).toEqual(await listToolNames(stack, token));
    }
    const readOnlyNames = (await modernRpc(stack, readOnly.accessToken, 'tools/list')).body.result.tools.map((tool: { name: string }) => tool.name);
    expect(readOnlyNames).toContain('notes_get');
    expect(readOnlyNames).not.toContain('notes_put');
  });

  it('calls a tool in 2026-07-28 with resultType, and in 2025-11-25 and 2025-06-18 as JSON', async () => {
    const modern = await modernRpc(stack, session.accessToken, 'tools/call', { name: 'whoami', arguments: {} });
    expect(modern.status).toBe(200);
    expect(modern.body.result).toMatchObject({ resultType: 'complete', structuredContent: { clientId: session.clientId } });
    for (const version of ['2025-11-25', '2025-06-18']) {
      const legacy = await rpc(stack, session.accessToken, 'tools/call', { name: 'whoami', arguments: {} }, { 'MCP-Protocol-Version': version });
      expect(legacy.status).toBe(200);
      expect(legacy.headers.get('content-type')).toContain('application/json');
      expect(legacy.body.result.structuredContent).toMatchObject({ clientId: session.clientId });
      expect(legacy.body.result.resultType).toBeUndefined();
    }
  });

  it('refuses headers that disagree with the body with 400 -32020 before any scope check or tool runs', async () => {
    const cases: Array<{ what: string; method: string; params: Record<string, unknown>; headers: Record<string, string> }> = [
      // A header naming an allowed tool cannot unlock a body calling one the caller may not call…
      { what: 'Mcp-Name of an allowed tool', method: 'tools/call', params: { name: 'notes_put', arguments: { title: 't', body: 'b' } }, headers: { 'Mcp-Name': 'whoami' } },
      // …nor the other way round.
      { what: 'Mcp-Name of another tool', method: 'tools/call', params: { name: 'whoami', arguments: {} }, headers: { 'Mcp-Name': 'notes_put' } },
      { what: 'Mcp-Name missing', method: 'tools/call', params: { name: 'whoami', arguments: {} }, headers: { 'Mcp-Name': '' } },
      { what: 'Mcp-Method of another method', method: 'tools/call', params: { name: 'whoami', arguments: {} }, headers: { 'Mcp-Method': 'tools/list' } },
      { what: 'MCP-Protocol-Version of 2025', method: 'tools/list', params: {}, headers: { 'MCP-Protocol-Version': '2025-11-25' } },
    ];
    for (const item of cases) {
      const body = modernMessage(item.method, item.params);
      const headers = { ...standardHeaders(item.method, item.params.name as string | undefined), ...item.headers };
      if (headers['Mcp-Name'] === '') delete headers['Mcp-Name'];
      const response = await mcpPost(stack, body, { token: readOnly.accessToken, headers });
      expect(response.status, item.what).toBe(400);
      expect(await response.json(), item.what).toMatchObject({ jsonrpc: '2.0', id: body.id, error: { code: -32020, message: expect.stringContaining('disagree') } });
    }
    // The Base64 sentinel form is understood, and still compared with the body.
    const sentinel = `=?base64?${Buffer.from('whoami').toString('base64')}?=`;
    const decoded = await modernRpc(stack, session.accessToken, 'tools/call', { name: 'whoami', arguments: {} }, { headers: { 'Mcp-Name': sentinel } });
    expect(decoded.status).toBe(200);
  });

  it('answers a missing scope with the same 403 and challenge in both eras', async () => {
    const modern = await modernRpc(stack, readOnly.accessToken, 'tools/call', { name: 'notes_put', arguments: { title: 't', body: 'b' } });
    const legacy = await rpc(stack, readOnly.accessToken, 'tools/call', { name: 'notes_put', arguments: { title: 't', body: 'b' } });
    for (const answer of [modern, legacy]) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get('x-amzn-remapped-www-authenticate') ?? answer.headers.get('www-authenticate')).toContain('insufficient_scope');
      expect(answer.body.error).toMatchObject({ code: -32003, data: { error: 'insufficient_scope', required_scope: scopeOf(stack, 'write') } });
    }
    expect(modern.body.error.message).toBe(legacy.body.error.message);
    expect(modern.body.error.message).not.toMatch(/MCP error/);
  });

  it('acknowledges subscriptions/listen and ends it at once (nothing to push in a stateless deployment)', async () => {
    const started = performance.now();
    const answer = await modernRpc(stack, session.accessToken, 'subscriptions/listen', { notifications: { toolsListChanged: true } });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(answer.messages.map((message) => message.method ?? 'result')).toEqual(['notifications/subscriptions/acknowledged', 'result']);
    expect(answer.messages[0].params.notifications).toEqual({});
    expect(answer.body.result).toMatchObject({ resultType: 'complete' });
  });

  it('keeps answering 2025 ping and refuses a 2026-07-28 ping (removed from the revision)', async () => {
    expect((await rpc(stack, session.accessToken, 'ping')).body.result).toEqual({});
    const modern = await modernRpc(stack, session.accessToken, 'ping');
    expect(modern.body.error.code).toBe(-32601);
  });
});
