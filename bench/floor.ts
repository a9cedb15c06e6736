/**
 * The MCP handler against the floor (bench/bare-mcp.ts), in one run: cold module load of the
 * bundles, all built with serverless.yml's own esbuild settings and plugins (same target, format,
 * minification, banner), in interleaved runs (median), the deployed entry (stream-handler.ts) and
 * the buffered one the local stack runs (handler.ts); and warm in-process tools/call in both eras
 * (median), the MCP handler wired as deployed (bench/mcp-handler.ts). Prints the figures and the
 * ratios; asserts nothing (issue 10 asks for at most 1.2x on both).
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { answerMcpRequest } from '../functions/mcp/mcp-endpoint.js';
import { handler as bareHandler } from './bare-mcp.js';
import { benchEndpoint, event } from './mcp-handler.js';
import { coldLoad, percentile, sizeColumns } from './measure.js';

const ROOT = resolve(import.meta.dirname, '..');
const COLD_RUNS = 31;
const WARM_RUNS = 2000;
const WARM_BATCH = 100;

const ENVIRONMENT = {
  PUBLIC_BASE_URL: 'https://mcp.example.com',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
  MCP_REQUEST_STATE_SECRET_ID: 'bench-mcp-request-state',
  USER_POOL_ID: 'us-east-1_Bench',
  CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-tool',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** A bundle built as serverless.yml's esbuild settings and plugins build the functions. */
export async function bundle(entry: string, outfile: string): Promise<void> {
  const settings = (parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: settings.minify as boolean,
    target: settings.target as string,
    platform: 'node',
    format: 'esm',
    banner: settings.banner as Record<string, string>,
    plugins: createRequire(import.meta.url)(join(ROOT, 'serverless-plugins', 'esbuild-plugins.cjs')),
    absWorkingDir: ROOT,
    logLevel: 'error',
  });
}

type Run = () => Promise<{ statusCode: number; body: string }>;

/**
 * Warm medians of several handlers, their runs interleaved in batches (as the cold loads are), so
 * that a busy moment of the machine weighs on each alike rather than on whichever ran then.
 */
async function warmMedians(runs: Record<string, Run>): Promise<Record<string, number>> {
  const names = Object.keys(runs);
  for (const name of names) for (let index = 0; index < 200; index++) await runs[name]!();
  const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let batch = 0; batch < WARM_RUNS / WARM_BATCH; batch++) {
    for (const name of names) {
      for (let index = 0; index < WARM_BATCH; index++) {
        const started = performance.now();
        const answer = await runs[name]!();
        times[name]!.push(performance.now() - started);
        if (answer.statusCode !== 200 || answer.body.includes('"isError":true')) throw new Error(`${name} answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
      }
    }
  }
  return Object.fromEntries(names.map((name) => [name, percentile(times[name]!.sort((a, b) => a - b), 50)]));
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const call = (name: string, args: Record<string, unknown>, modern: boolean): { body: unknown; headers: Record<string, string> } => ({
  body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, ...(modern ? { _meta: META } : {}) } },
  headers: modern ? { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': name } : { 'MCP-Protocol-Version': '2025-11-25' },
});

export async function benchFloor(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-floor-'));
  try {
    const entries = {
      'mcp (stream)': join(ROOT, 'functions', 'mcp', 'stream-handler.ts'),
      'mcp (buffer)': join(ROOT, 'functions', 'mcp', 'handler.ts'),
      'bare v2': join(ROOT, 'bench', 'bare-mcp.ts'),
    };
    const files = Object.fromEntries(Object.keys(entries).map((name, index) => [name, join(dir, `bundle-${index}.mjs`)]));
    for (const [name, entry] of Object.entries(entries)) await bundle(entry, files[name]!);
    const wall: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
    // Interleaved, so that a busy moment of the machine weighs on every bundle alike.
    for (let run = 0; run < COLD_RUNS; run++) {
      for (const [name, file] of Object.entries(files)) {
        const sample = coldLoad(file, ENVIRONMENT);
        wall[name]!.push(sample.wallMs);
        cpu[name]!.push(sample.cpuMs);
      }
    }
    for (const samples of [...Object.values(wall), ...Object.values(cpu)]) samples.sort((a, b) => a - b);
    const median = (samples: Record<string, number[]>, name: string) => percentile(samples[name]!, 50);
    const spread = (name: string) => `${percentile(wall[name]!, 25).toFixed(1)}-${percentile(wall[name]!, 75).toFixed(1)}`;
    console.log('\nMCP handler against a bare SDK v2 handler (same esbuild settings and plugins)');
    console.log(`bundle        size KB   gzip KB   cold load ms, median of ${COLD_RUNS} interleaved: wall (p25-p75)   CPU`);
    for (const name of Object.keys(files)) {
      console.log(`${name.padEnd(13)}${sizeColumns(files[name]!)} ${median(wall, name).toFixed(1).padStart(10)} (${spread(name)}) ${median(cpu, name).toFixed(1).padStart(8)}`);
    }
    for (const name of ['mcp (stream)', 'mcp (buffer)']) {
      const ratio = (samples: Record<string, number[]>) => (median(samples, name) / median(samples, 'bare v2')).toFixed(2);
      console.log(`cold load ratio ${name}: ${ratio(wall)}x wall, ${ratio(cpu)}x CPU (goal: at most 1.2x)`);
    }

    const { endpoint } = benchEndpoint();
    console.log(`\nwarm tools/call, in process (median of ${WARM_RUNS}, interleaved in batches of ${WARM_BATCH}; the MCP handler's DynamoDB adapter as deployed, its network answered in process)`);
    console.log('era       mcp handler ms   bare v2 ms   ratio');
    for (const modern of [true, false]) {
      const ours = call('whoami', {}, modern);
      const bare = call('echo', { text: 'hi' }, modern);
      const { ours: oursMs, bare: bareMs } = await warmMedians({
        ours: () => answerMcpRequest(event(ours.body, ours.headers), endpoint),
        bare: () => bareHandler(event(bare.body, bare.headers)),
      }) as { ours: number; bare: number };
      console.log(`${(modern ? '2026-07-28' : '2025-11-25').padEnd(10)}${oursMs.toFixed(3).padStart(14)} ${bareMs.toFixed(3).padStart(12)} ${(oursMs / bareMs).toFixed(2).padStart(7)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
