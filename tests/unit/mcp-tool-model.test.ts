import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { AuditEvent } from '../../functions/mcp/audit/audit.js';
import { canonicalJson, canonicalSha256 } from '../../functions/mcp/audit/canonical-hash.js';
import { groupScopeMapping, loadMcpConfig } from '../../functions/mcp/config.js';
import { decodeCursor, encodeCursor } from '../../functions/mcp/notes/cursor.js';
import { grantedScopes } from '../../functions/mcp/policy/scopes.js';
import { ToolError, compileTools, defineTool } from '../../functions/mcp/tool.js';
import { executeToolCall } from '../../functions/mcp/calls/tool-call.js';
import { tools } from '../../functions/mcp/tools/index.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { createLogger } from '../../lib/logger.js';
import { CATALOG_FOLDERS, TOOLS_INDEX, catalogFiles, renderCatalogIndex, renderToolIndex, toolFiles } from '../../scripts/catalog-index.js';
import { compileCatalog } from '../../functions/mcp/calls/catalog.js';
import { definePrompt } from '../../functions/mcp/prompt.js';
import { prompts } from '../../functions/mcp/prompts/index.js';
import { defineResource } from '../../functions/mcp/resource.js';
import { resources } from '../../functions/mcp/mcp-resources/index.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const caller: CallerIdentity = {
  principal: 'user-1',
  authMethod: 'jwt',
  sub: 'user-1',
  username: 'u1',
  clientId: 'client-1',
  scopes: [`${RESOURCE}/read`],
  groups: [],
  tokenId: 'jti-1',
  expiresAt: 2_000_000_000,
  clientTrust: 'dynamic',
};

describe('tool registry', () => {
  it('is generated from the tools folder and up to date (run `npm run catalog:index` after adding a tool)', () => {
    expect(readFileSync(TOOLS_INDEX, 'utf8')).toBe(renderToolIndex(toolFiles()));
    expect(tools).toHaveLength(toolFiles().length);
  });

  it('holds tools that each declare a scope, all three hints and a render', () => {
    const compiled = compileTools(tools);
    expect(compiled.size).toBe(tools.length);
    for (const tool of tools) {
      expect(['read', 'write', 'admin']).toContain(tool.scope);
      expect(Object.keys(tool.annotations)).toEqual(expect.arrayContaining(['readOnlyHint', 'destructiveHint', 'idempotentHint']));
      // A tool that changes nothing must say so; one that needs write or admin must not claim read-only.
      if (tool.scope === 'read') expect(tool.annotations.readOnlyHint, tool.name).toBe(true);
    }
  });

  it('builds each listing on first use (not at cold start), once, and the same as converting the schemas then', () => {
    for (const [name, tool] of compileTools(tools)) {
      // A getter: compiling (cold start) converts no schema to JSON Schema.
      expect(Object.getOwnPropertyDescriptor(tool, 'listing')?.get, name).toBeTypeOf('function');
      const first = tool.listing;
      expect(tool.listing, name).toBe(first);
      const { $schema: _input, ...input } = z.toJSONSchema(z.strictObject(tool.definition.inputSchema), { io: 'input', unrepresentable: 'any' });
      expect(first.inputSchema, name).toEqual({ ...input, type: 'object' });
      if (tool.definition.outputSchema) {
        const { $schema: _output, ...output } = z.toJSONSchema(z.object(tool.definition.outputSchema), { io: 'output', unrepresentable: 'any' });
        expect(first.outputSchema, name).toEqual({ ...output, type: 'object' });
      }
      expect(first).toMatchObject({ name, title: tool.definition.title, annotations: { title: tool.definition.title, ...tool.definition.annotations } });
    }
  });

  it('refuses duplicate or malformed tool names', () => {
    const base = { title: 't', description: 'd', scope: 'read' as const, inputSchema: {}, outputSchema: {}, annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true }, run: async () => ({}), render: () => '' };
    expect(() => compileTools([defineTool({ ...base, name: 'a' }), defineTool({ ...base, name: 'a' })])).toThrow(/Two tools/);
    expect(() => compileTools([defineTool({ ...base, name: 'Bad Name' })])).toThrow(/must match/);
  });
});

describe('scopes', () => {
  it('counts only full scope names of this resource, plus what groups grant', () => {
    const mapping = { 'mcp-admins': ['admin' as const], editors: ['read' as const, 'write' as const] };
    expect([...grantedScopes(caller, RESOURCE, mapping)]).toEqual(['read']);
    expect([...grantedScopes({ scopes: ['read', 'https://other.example.com/mcp/write', `${RESOURCE}/admin/x`], groups: [], clientTrust: 'operator', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual([]);
    expect([...grantedScopes({ scopes: [], groups: ['editors', 'mcp-admins', 'unknown'], clientTrust: 'operator', authMethod: 'jwt' }, RESOURCE, mapping)].sort()).toEqual(['admin', 'read', 'write']);
  });

  it('grants nothing through groups to a dynamically registered client', () => {
    const mapping = { 'mcp-admins': ['admin' as const] };
    expect([...grantedScopes({ scopes: [`${RESOURCE}/read`], groups: ['mcp-admins'], clientTrust: 'dynamic', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual(['read']);
  });

  it("ignores a user's admin token scope unless a group grants admin (Cognito gives an allowed scope to anyone who asks)", () => {
    const mapping = { 'mcp-admins': ['admin' as const] };
    const admin = `${RESOURCE}/admin`;
    const read = `${RESOURCE}/read`;
    expect([...grantedScopes({ scopes: [read, admin], groups: [], clientTrust: 'operator', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual(['read']);
    expect([...grantedScopes({ scopes: [read, admin], groups: ['editors'], clientTrust: 'operator', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual(['read']);
    expect([...grantedScopes({ scopes: [read, admin], groups: [], clientTrust: 'dynamic', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual(['read']);
    expect([...grantedScopes({ scopes: [read, admin], groups: ['mcp-admins'], clientTrust: 'dynamic', authMethod: 'jwt' }, RESOURCE, mapping)]).toEqual(['read']);
    expect([...grantedScopes({ scopes: [read, admin], groups: ['mcp-admins'], clientTrust: 'operator', authMethod: 'jwt' }, RESOURCE, mapping)].sort()).toEqual(['admin', 'read']);
    // An API key carries the scopes the operator issued it with.
    expect([...grantedScopes({ scopes: [read, admin], groups: [], clientTrust: 'operator', authMethod: 'api_key' }, RESOURCE, mapping)].sort()).toEqual(['admin', 'read']);
  });

  it('parses the group mapping and refuses unknown scopes or malformed entries', () => {
    expect(groupScopeMapping.parse('mcp-admins=admin; editors=read+write')).toEqual({ 'mcp-admins': ['admin'], editors: ['read', 'write'] });
    expect(groupScopeMapping.parse('')).toEqual({});
    expect(groupScopeMapping.safeParse('editors=root').success).toBe(false);
    expect(groupScopeMapping.safeParse('editors').success).toBe(false);
  });

  it('validates the whole configuration once', () => {
    const env = { PUBLIC_BASE_URL: 'https://mcp.example.com/', MCP_RESOURCE_URL: RESOURCE, MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' };
    expect(loadMcpConfig(env)).toMatchObject({ rateLimit: { limit: 120, windowSeconds: 60, lease: 5 }, allowedOrigins: [], groupScopes: {} });
    expect(loadMcpConfig({ ...env, MCP_RATE_LIMIT_LEASE: '1' }).rateLimit.lease).toBe(1);
    expect(loadMcpConfig({ ...env, ALLOWED_ORIGINS: 'https://App.example.com http://localhost:6274' }).allowedOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:6274',
    ]);
    expect(() => loadMcpConfig({ ...env, ALLOWED_ORIGINS: '*' })).toThrow(/wildcard/);
    expect(() => loadMcpConfig({ ...env, ALLOWED_ORIGINS: 'https://app.example.com/path' })).toThrow(/not an origin/);
    expect(() => loadMcpConfig({ ...env, MCP_RATE_LIMIT: '0' })).toThrow(/MCP_RATE_LIMIT/);
    expect(() => loadMcpConfig({ ...env, MCP_RATE_LIMIT_LEASE: '0' })).toThrow(/MCP_RATE_LIMIT_LEASE/);
    expect(() => loadMcpConfig({ ...env, MCP_RATE_LIMIT_LEASE: '101' })).toThrow(/MCP_RATE_LIMIT_LEASE/);
  });
});

describe('canonical input hash', () => {
  it('ignores key order and undefined members, and distinguishes values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalSha256({ a: 1, b: 2 })).toBe(canonicalSha256({ b: 2, a: 1 }));
    expect(canonicalSha256({ a: 1 })).not.toBe(canonicalSha256({ a: '1' }));
    expect(canonicalSha256({})).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cursors', () => {
  it('round-trips and is bound to its listing', () => {
    const cursor = encodeCursor('n123', 'list');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'list')).toBe('n123');
    expect(() => decodeCursor(cursor, 'search:abc')).toThrow(ToolError);
    expect(() => decodeCursor('%%%', 'list')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"v":2,"after":"x","scope":"list"}').toString('base64url'), 'list')).toThrow(/cursor/);
  });
});

describe('executeToolCall', () => {
  const echo = defineTool({
    name: 'echo',
    title: 'Echo',
    description: 'test',
    scope: 'read',
    inputSchema: { text: z.string().min(1), mode: z.enum(['ok', 'tool-error', 'crash', 'bad-output']).default('ok') },
    outputSchema: { text: z.string() },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    async run(input) {
      if (input.mode === 'tool-error') throw new ToolError('conflict', 'It changed.');
      if (input.mode === 'crash') throw new Error('secret internal detail');
      if (input.mode === 'bad-output') return { text: 42 } as unknown as { text: string };
      return { text: input.text };
    },
    render: (output) => `echo: ${output.text}`,
  });
  const tool = compileTools([echo]).get('echo')!;
  const run = async (args: unknown) => {
    const events: AuditEvent[] = [];
    const logger = createLogger('test');
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const result = (await executeToolCall(tool, args, caller, {
      scopes: new Set(['read']),
      services: {} as never,
      request: { requestId: 'req-1', sourceIp: '192.0.2.1', userAgent: 'ua', era: 'modern', protocolVersion: '2026-07-28' },
      logger,
      now: () => new Date(),
      onCall: (event) => events.push(event),
    })) as CallToolResult;
    return { result, events, errors: errors.mock.calls };
  };

  it('returns structured content and its text rendering, and audits ok', async () => {
    const { result, events } = await run({ text: 'hi' });
    expect(result).toEqual({ structuredContent: { text: 'hi' }, content: [{ type: 'text', text: 'echo: hi' }] });
    expect(events).toEqual([
      expect.objectContaining({ tool: 'echo', outcome: 'ok', requestId: 'req-1', inputSha256: canonicalSha256({ text: 'hi' }), principal: 'user-1' }),
    ]);
  });

  it('answers invalid and unknown arguments with isError naming the problem', async () => {
    const { result, events } = await run({ text: '', extra: 1 });
    expect(result.isError).toBe(true);
    expect(result.content[0]).toMatchObject({ text: expect.stringMatching(/text.*extra|extra.*text/s) });
    expect(events[0]).toMatchObject({ outcome: 'invalid', reason: 'invalid_arguments' });
  });

  it('passes a ToolError message on, and hides an exception behind the request id', async () => {
    const conflict = await run({ text: 'x', mode: 'tool-error' });
    expect(conflict.result).toEqual({ isError: true, content: [{ type: 'text', text: 'It changed.' }] });
    expect(conflict.events[0]).toMatchObject({ outcome: 'error', reason: 'conflict' });

    const crash = await run({ text: 'x', mode: 'crash' });
    expect(crash.result.isError).toBe(true);
    expect(JSON.stringify(crash.result)).not.toContain('secret internal detail');
    expect(JSON.stringify(crash.result)).toContain('req-1');
    expect(crash.events[0]).toMatchObject({ outcome: 'error', reason: 'internal' });
    expect(crash.errors).toHaveLength(1);
  });

  it('never sends a result that breaks the output schema', async () => {
    const { result, events, errors } = await run({ text: 'x', mode: 'bad-output' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(events[0]).toMatchObject({ outcome: 'error', reason: 'internal' });
    expect(errors).toHaveLength(1);
  });
});

describe('resources and prompts beside the tools', () => {
  it('are generated from their folders and up to date, like the tools', () => {
    for (const folder of CATALOG_FOLDERS) expect(readFileSync(folder.index, 'utf8')).toBe(renderCatalogIndex(folder, catalogFiles(folder.dir)));
    expect(resources).toHaveLength(catalogFiles(CATALOG_FOLDERS[1]!.dir).length);
    expect(prompts).toHaveLength(catalogFiles(CATALOG_FOLDERS[2]!.dir).length);
  });

  it('compile into one catalog that resolves calls by the body and filters by scope', () => {
    const catalog = compileCatalog(tools, resources, prompts);
    expect(catalog.resolve({ kind: 'resource', name: 'note://abc', inputSha256: () => '' })).toEqual({ kind: 'resource', name: 'note', scope: 'read' });
    expect(catalog.resolve({ kind: 'resource', name: 'other://abc', inputSha256: () => '' })).toBeUndefined();
    expect(catalog.resolve({ kind: 'prompt', name: 'summarize_note', inputSha256: () => '' })).toMatchObject({ scope: 'read' });
    const writeOnly = catalog.visibleFor(new Set(['write']));
    expect(writeOnly.resources).toEqual([]);
    expect(writeOnly.prompts.size).toBe(0);
    expect([...writeOnly.tools.keys()]).toContain('notes_put');
  });

  it('refuses a template whose variables differ from the declared ones, and duplicate names', () => {
    const resource = (name: string, uriTemplate: string) =>
      defineResource({ name, title: 't', description: 'd', scope: 'read', mimeType: 'text/plain', uriTemplate, variables: { id: z.string() }, read: async () => undefined });
    expect(() => compileCatalog([], [resource('a', 'x://{other}')], [])).toThrow(/variables/);
    expect(() => compileCatalog([], [resource('a', 'x://{id}'), resource('a', 'y://{id}')], [])).toThrow(/Two resources are named "a"/);
    expect(() => compileCatalog([], [resource('a', 'x://{id}'), resource('b', 'x://{id}')], [])).toThrow(/URI template/);
    const prompt = definePrompt({ name: 'p', title: 't', description: 'd', scope: 'read', arguments: {}, get: async () => ({ messages: [] }) });
    expect(() => compileCatalog([], [], [prompt, prompt])).toThrow(/Two prompts/);
  });
});
