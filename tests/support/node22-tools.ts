import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { node22 } from './conformance-cli.js';

const TOOLS = resolve(import.meta.dirname, '..', '..', 'tools', 'node22', 'node_modules');

export const INSPECTOR_CLI = join(TOOLS, '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
export const MCP_REMOTE = join(TOOLS, 'mcp-remote', 'dist', 'proxy.js');

/** Runs a tool of tools/node22 on its Node 22; resolves with exit code and output. */
export function runNode22(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(node22(), args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
