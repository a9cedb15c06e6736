import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { scopeOf } from '../support/mcp-calls.js';
import { messagesOf, modernMessage, standardHeaders } from '../support/mcp-modern.js';
import { createTestUser } from '../support/test-users.js';

/**
 * /mcp on the local stack runs the streamified handler behind a STREAM method, as deployed stages
 * do (serverless.yml mcpHandler / mcpTransferMode): SSE answers are passed on as the function
 * writes them, never buffered (a buffered answer carries a Content-Length; a streamed one cannot),
 * with the authorizer's and the function's challenges and CORS as before. Arrival of one event
 * before the answer ends is shown in offline-response-streaming.test.ts: no product tool writes two
 * events at different times.
 */
describe('the MCP route streams on the local stack', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let readOnly: DemoSession;

  beforeAll(async () => {
    const user = await createTestUser(stack);
    session = await signInDemoUser(stack, { user });
    readOnly = await signInDemoUser(stack, { user, scope: scopeOf(stack, 'read') });
  });

  /** The body as the chunks that arrived, read one by one, and whether it ended cleanly. */
  async function chunksOf(response: Response): Promise<{ chunks: string[]; text: string }> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value, { stream: true }));
    }
    return { chunks, text: chunks.join('') };
  }

  it('streams the SSE answer of a 2025-11-25 call that asks for progress', async () => {
    const response = await mcpPost(
      stack,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {}, _meta: { progressToken: 'progress-1' } } },
      { token: session.accessToken, headers: { 'MCP-Protocol-Version': '2025-11-25' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const { chunks, text } = await chunksOf(response);
    expect(chunks.length).toBeGreaterThan(0);
    const messages = messagesOf('text/event-stream', text);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: 1, result: { structuredContent: { clientId: session.clientId } } });
  });

  it('serves a real MCP client (SDK v2, 2025 era) a call with a progress handler over the stream', async () => {
    const client = new Client({ name: 'local-streaming', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${session.accessToken}` } } }));
    try {
      const progress: unknown[] = [];
      const result = await client.callTool({ name: 'whoami', arguments: {} }, { onprogress: (update) => progress.push(update) });
      expect(result.structuredContent).toMatchObject({ clientId: session.clientId });
      // whoami reports no progress: the stream carries the result alone.
      expect(progress).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('acknowledges subscriptions/listen and ends the stream at once', async () => {
    const response = await mcpPost(stack, modernMessage('subscriptions/listen', { notifications: { toolsListChanged: true } }), {
      token: session.accessToken,
      headers: standardHeaders('subscriptions/listen'),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('content-length')).toBeNull();
    // chunksOf returns only once the body has ended: the listen is not held open.
    const { text } = await chunksOf(response);
    expect(messagesOf('text/event-stream', text).map((message) => message.method ?? 'result')).toEqual([
      'notifications/subscriptions/acknowledged',
      'result',
    ]);
  });

  it("keeps the gateway's 401 challenge (the real WWW-Authenticate header) and the function's 403 (renamed, as API Gateway does)", async () => {
    const resourceMetadata = `${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`;
    const unauthorized = await mcpPost(stack, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toContain(`resource_metadata="${resourceMetadata}"`);
    expect(await unauthorized.json()).toMatchObject({ error: 'invalid_token' });

    const forbidden = await mcpPost(
      stack,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'notes_put', arguments: { title: 't', body: 'b' } } },
      { token: readOnly.accessToken, headers: { 'MCP-Protocol-Version': '2025-11-25' } },
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toBeNull();
    const challenge = forbidden.headers.get('x-amzn-remapped-www-authenticate');
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`resource_metadata="${resourceMetadata}"`);
    expect(((await forbidden.json()) as { error: { data: { www_authenticate: string } } }).error.data.www_authenticate).toBe(challenge);
  });

  it('keeps CORS on streamed answers: the allowed origin is named, another is refused', async () => {
    const allowed = 'http://localhost:6274';
    const preflight = await fetch(stack.mcpUrl, { method: 'OPTIONS', headers: { Origin: allowed, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);

    const fromAllowed = await mcpPost(stack, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, { token: session.accessToken, headers: { Origin: allowed, 'MCP-Protocol-Version': '2025-11-25' } });
    expect(fromAllowed.status).toBe(200);
    expect(fromAllowed.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(fromAllowed.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    await fromAllowed.body?.cancel();

    const fromElsewhere = await mcpPost(stack, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, { token: session.accessToken, headers: { Origin: 'https://evil.example', 'MCP-Protocol-Version': '2025-11-25' } });
    expect(fromElsewhere.status).toBe(403);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
