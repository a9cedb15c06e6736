import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool } from '../support/mcp-calls.js';
import { node22 } from '../support/conformance-cli.js';
import { INSPECTOR_CLI, MCP_REMOTE, runNode22 } from '../support/node22-tools.js';
import { createTestUser } from '../support/test-users.js';

/**
 * Real MCP clients against the local stack, each listing and calling tools, reading a note
 * resource and getting a prompt: the SDK v2 client (2026-07-28 and, pinned, 2025), the v1 client
 * (2025-11-25), the MCP Inspector CLI in both eras, and mcp-remote (the stdio bridge desktop
 * clients use), driven over stdio by the v1 client.
 */
describe('real MCP clients', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let noteId: string;

  beforeAll(async () => {
    session = await signInDemoUser(stack, { user: await createTestUser(stack) });
    noteId = (await callTool(stack, session.accessToken, 'notes_put', { title: 'Client note', body: 'Read me through a client.' })).result.structuredContent.note.id;
  });

  const headers = () => ({ Authorization: `Bearer ${session.accessToken}` });

  it.each(['auto', 'legacy'] as const)('SDK v2 client (%s negotiation) lists, calls, reads and gets', async (mode) => {
    const client = new ClientV2({ name: 'real-clients-v2', version: '1.0.0' }, { versionNegotiation: { mode } } as never);
    await client.connect(new TransportV2(new URL(stack.mcpUrl), { requestInit: { headers: headers() } }));
    try {
      expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('notes_get');
      const whoami = await client.callTool({ name: 'whoami', arguments: {} });
      expect(whoami.structuredContent).toMatchObject({ clientId: session.clientId });
      const read = await client.readResource({ uri: `note://${noteId}` });
      expect(read.contents[0]).toMatchObject({ uri: `note://${noteId}`, text: expect.stringContaining('Read me') });
      const prompt = await client.getPrompt({ name: 'summarize_note', arguments: { id: noteId } });
      expect(JSON.stringify(prompt.messages)).toContain('Read me');
    } finally {
      await client.close();
    }
  });

  it('SDK v1 client (2025-11-25) lists, calls, reads and gets', async () => {
    const client = new ClientV1({ name: 'real-clients-v1', version: '1.0.0' });
    await client.connect(new TransportV1(new URL(stack.mcpUrl), { requestInit: { headers: headers() } }));
    try {
      expect(client.getServerVersion()?.name).toBe('secure-mcp');
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('notes_get');
      expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({ clientId: session.clientId });
      expect((await client.readResource({ uri: `note://${noteId}` })).contents[0]).toMatchObject({ text: expect.stringContaining('Read me') });
      expect(JSON.stringify((await client.getPrompt({ name: 'summarize_note', arguments: { id: noteId } })).messages)).toContain('Read me');
    } finally {
      await client.close();
    }
  });

  it.each([['modern', ['--protocol-era', 'modern']], ['legacy (default)', []]] as const)(
    'MCP Inspector CLI, %s era, lists, calls, reads and gets',
    { timeout: 120_000 },
    async (_era, eraArgs) => {
      const inspect = async (...args: string[]) => {
        const run = await runNode22([INSPECTOR_CLI, '--cli', stack.mcpUrl, '--transport', 'http', '--header', `Authorization: Bearer ${session.accessToken}`, ...eraArgs, ...args]);
        expect(run.code, `${args.join(' ')}: ${run.stderr.slice(-1500)}${run.stdout.slice(-500)}`).toBe(0);
        return JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
      };
      expect((await inspect('--method', 'tools/list')).tools.map((tool: { name: string }) => tool.name)).toContain('notes_get');
      expect((await inspect('--method', 'tools/call', '--tool-name', 'whoami')).structuredContent).toMatchObject({ clientId: session.clientId });
      expect((await inspect('--method', 'resources/read', '--uri', `note://${noteId}`)).contents[0].text).toContain('Read me');
      const prompt = await inspect('--method', 'prompts/get', '--prompt-name', 'summarize_note', '--prompt-args', `id=${noteId}`);
      expect(JSON.stringify(prompt.messages)).toContain('Read me');
    },
  );

  it('mcp-remote bridges a stdio client to the endpoint: lists, calls, reads and gets', { timeout: 60_000 }, async () => {
    const client = new ClientV1({ name: 'real-clients-mcp-remote', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: node22(),
      // --allow-http: the local stack is plain http on localhost; a token in the header skips its OAuth flow.
      args: [MCP_REMOTE, stack.mcpUrl, '--allow-http', '--transport', 'http-only', '--header', `Authorization:Bearer ${session.accessToken}`],
      env: { ...process.env, MCP_REMOTE_CONFIG_DIR: `${stack.dataDir}/mcp-remote` } as Record<string, string>,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    try {
      await client.connect(transport);
      expect((await client.listTools()).tools.map((tool) => tool.name), stderr).toContain('notes_get');
      expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({ clientId: session.clientId });
      expect((await client.readResource({ uri: `note://${noteId}` })).contents[0]).toMatchObject({ text: expect.stringContaining('Read me') });
      expect(JSON.stringify((await client.getPrompt({ name: 'summarize_note', arguments: { id: noteId } })).messages)).toContain('Read me');
    } finally {
      await client.close();
    }
  });
});
