import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { tools } from '../../functions/mcp/tools/index.js';
import { signInDemoUser } from '../support/demo-login.js';
import { scopeOf } from '../support/mcp-calls.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

const ALL_TOOLS = tools.map((tool) => tool.name).sort();
const READ_TOOLS = tools.filter((tool) => tool.scope === 'read').map((tool) => tool.name).sort();

/**
 * The official MCP SDK client calling every example tool: with a token whose scopes allow it
 * (the demo user through the operator's client: every scope from the token), and with a
 * read-only token of a user outside the admin group, which must be refused each write and admin
 * tool with 403 and the scope it lacks. The client validates each structuredContent against
 * the outputSchema it listed.
 */
describe('MCP SDK client calling every tool', () => {
  const stack = inject('stack');
  const clients: Client[] = [];
  let target: TestUser;
  let fullToken: string;
  let readOnlyToken: string;

  beforeAll(async () => {
    const reader = await createTestUser(stack);
    target = await createTestUser(stack);
    const [full, readOnly] = await Promise.all([
      signInDemoUser(stack, { clientId: stack.operatorClientId }),
      signInDemoUser(stack, { user: reader, scope: scopeOf(stack, 'read') }),
    ]);
    fullToken = full.accessToken;
    readOnlyToken = readOnly.accessToken;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  async function connect(token: string): Promise<Client> {
    const client = new Client({ name: 'sdk-tools-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function call(client: Client, name: string, args: Record<string, unknown>) {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
    const definition = tools.find((tool) => tool.name === name)!;
    const structured = z.strictObject(definition.outputSchema).parse(result.structuredContent);
    expect((result.content as Array<{ type: string; text: string }>)[0]).toMatchObject({ type: 'text', text: expect.any(String) });
    return structured as any;
  }

  it('calls every tool with the scopes it needs', async () => {
    const client = await connect(fullToken);
    const listed = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(listed).toEqual(ALL_TOOLS);

    const called = new Set<string>();
    const track = async (name: string, args: Record<string, unknown>) => (called.add(name), call(client, name, args));

    expect((await track('whoami', {})).sub).toBe(stack.demoUser.sub);
    const { note } = await track('notes_put', { title: 'SDK note', body: 'written by the SDK client', tags: ['sdk'] });
    expect((await track('notes_get', { id: note.id })).note.title).toBe('SDK note');
    expect((await track('notes_list', { limit: 100 })).notes.map((item: { id: string }) => item.id)).toContain(note.id);
    expect((await track('notes_search', { query: 'sdk client' })).notes.map((item: { id: string }) => item.id)).toContain(note.id);
    expect((await call(client, 'notes_put', { id: note.id, title: 'SDK note', body: 'v2', expectedVersion: 1 })).note.version).toBe(2);
    expect(await track('notes_delete', { id: note.id, expectedVersion: 2 })).toEqual({ id: note.id, deletedVersion: 2 });
    expect((await track('users_revocation_status', { sub: target.sub })).revoked).toBe(false);
    expect((await track('users_revoke_tokens', { sub: target.sub, reason: 'sdk test' })).sub).toBe(target.sub);
    // No CloudWatch runs on the local stack: the tool says so as a tool error (against a
    // CloudWatch stand-in it is tested in tests/unit/cloudwatch-alarms.test.ts).
    const alarms = await client.callTool({ name: 'cloudwatch_alarms', arguments: {} });
    expect(alarms).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/not available on the local stack/) }] });
    called.add('cloudwatch_alarms');
    expect([...called].sort()).toEqual(ALL_TOOLS);
  });

  it('is shown only the read tools with a read-only token, and refused every other tool with 403 naming the scope', async () => {
    const client = await connect(readOnlyToken);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(READ_TOOLS);
    expect((await call(client, 'notes_list', {})).notes).toEqual([]);

    const refusedTools = tools.filter((tool) => tool.scope !== 'read');
    expect(refusedTools.length).toBeGreaterThan(0);
    const validArguments: Record<string, Record<string, unknown>> = {
      notes_put: { title: 't', body: 'b' },
      notes_delete: { id: 'x', expectedVersion: 1 },
      users_revocation_status: { sub: target.sub },
      users_revoke_tokens: { sub: target.sub },
    };
    for (const tool of refusedTools) {
      const attempt = client.callTool({ name: tool.name, arguments: validArguments[tool.name] ?? {} });
      await expect(attempt, tool.name).rejects.toBeInstanceOf(StreamableHTTPError);
      const error = (await attempt.catch((caught: unknown) => caught)) as StreamableHTTPError;
      expect(error.code).toBe(403);
      expect(error.message).toContain('insufficient_scope');
      expect(error.message).toContain(scopeOf(stack, tool.scope));
    }
  });

  it('shows a protocol error with the "MCP error <code>:" prefix once (the client adds it; the server does not)', async () => {
    const client = await connect(fullToken);
    const unknown = (await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((caught: unknown) => caught)) as McpError;
    expect(unknown).toBeInstanceOf(McpError);
    expect(unknown.message).toBe('MCP error -32602: Unknown tool: no_such_tool');
    // Arguments that are not an object: refused before the SDK's own schema (which answered -32603).
    const request = { method: 'tools/call', params: { name: 'whoami', arguments: 'not an object' } } as unknown as Parameters<Client['request']>[0];
    const invalid = (await client.request(request, CallToolResultSchema).catch((caught: unknown) => caught)) as McpError;
    expect(invalid).toBeInstanceOf(McpError);
    expect(invalid.code).toBe(-32602);
    expect(invalid.message).toMatch(/^MCP error -32602: Invalid params: /);
    expect(invalid.message.match(/MCP error/g)).toHaveLength(1);
  });
});
