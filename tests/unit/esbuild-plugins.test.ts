import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mcpRequestState } from '../../functions/mcp/protocol/request-state.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const plugins = createRequire(import.meta.url)(join(ROOT, 'serverless-plugins', 'esbuild-plugins.cjs'));
const outDir = mkdtempSync(join(tmpdir(), 'mcp-esbuild-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function bundle(entry: string | { contents: string }, name: string) {
  const outfile = join(outDir, `${name}.mjs`);
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' } }),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    metafile: true,
    plugins,
    absWorkingDir: ROOT,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return { outfile, inputs: Object.keys(result.metafile.inputs) };
}

describe('bundle plugins (serverless-plugins/esbuild-plugins.cjs)', () => {
  it("keeps zod's English messages and drops its other locales", async () => {
    const contents =
      "import { z } from 'zod';\nexport const message = z.string().safeParse(1).error?.issues[0]?.message;\nexport const locales = Object.keys(z.locales);\n";
    const { outfile, inputs } = await bundle({ contents }, 'zod');
    expect(inputs.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input))).toEqual([]);
    const loaded = await import(outfile);
    expect(loaded.message).toMatch(/expected string/i);
    expect(loaded.locales).toEqual(['en']);
  });

  it('leaves Ajv and the v1 SDK out of the MCP server, which still answers both protocol eras', async () => {
    const { outfile, inputs } = await bundle(join(ROOT, 'functions', 'mcp', 'protocol', 'mcp-server.ts'), 'mcp-server');
    expect(inputs.filter((input) => input.includes('node_modules/ajv'))).toEqual([]);
    expect(inputs.filter((input) => input.includes('@modelcontextprotocol/sdk'))).toEqual([]);
    const { serveMcpRequest } = await import(outfile);
    const scope = { visible: { tools: new Map(), resources: [], prompts: new Map() }, environment: {}, requestState: mcpRequestState(randomBytes(32)) };
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      new Request('https://mcp.example.com/mcp', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(body),
      });
    const options = { authInfo: { token: '', clientId: 'c', scopes: [] }, scope, maxRequestBytes: 1000 };
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const legacy: Response = await serveMcpRequest(post(ping), 'legacy', { ...options, parsedBody: ping });
    expect(await legacy.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const discover = { jsonrpc: '2.0', id: 2, method: 'server/discover', params: { _meta: meta } };
    const modern: Response = await serveMcpRequest(
      post(discover, { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover' }),
      'modern',
      { ...options, parsedBody: discover },
    );
    expect((await modern.json()).result).toMatchObject({ supportedVersions: ['2026-07-28'], resultType: 'complete' });
  });
});
