/**
 * The MCP handler against the floor (bench/bare-mcp.ts), in one run: cold module load of the
 * bundles, all built with serverless.yml's own esbuild settings and plugins (same target, format,
 * minification, banner), in interleaved runs (median), the deployed entry (stream-handler.ts) and
 * the buffered one the local stack runs (handler.ts); a cold start as a request that starts a
 * container waits for it, module load and then the first tools/call (bench/cold-start-process.mjs);
 * and warm tools/call in both eras, each handler warm in a process of its own
 * (bench/warm-process.ts), the MCP handler wired as deployed (bench/mcp-handler.ts). Prints the
 * figures and the ratios; asserts nothing (issue 10 asks for at most 1.2x on module load and warm
 * calls).
 */
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadMcpConfig } from '../functions/mcp/config.js';
import { event } from './mcp-handler.js';
import { coldLoad, coldStart, percentile, sizeColumns } from './measure.js';
import { toolsCall } from './warm-process.js';

const ROOT = resolve(import.meta.dirname, '..');
const COLD_RUNS = 31;
const WARM_RUNS = 3000;
const WARM_ROUNDS = 5;
const COLD_START_RUNS = 15;

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

/** The rate limit's lease the MCP handler is measured with: the default, as deployed (bench/mcp-handler.ts). */
const LEASE = loadMcpConfig(ENVIRONMENT).rateLimit.lease;

/** The esbuild settings a stack-trace option changes (bench/deployed.ts measures them). */
export interface BundleOverrides {
  sourcemap?: 'linked' | 'external' | false;
  keepNames?: boolean;
}

/** A bundle built as serverless.yml's esbuild settings and plugins build the functions (source map and names as there, unless overridden). */
export async function bundle(entry: string, outfile: string, overrides: BundleOverrides = {}): Promise<void> {
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
    sourcemap: (settings.sourcemap as BundleOverrides['sourcemap']) ?? false,
    keepNames: (settings.keepNames as boolean | undefined) ?? false,
    ...overrides,
    plugins: createRequire(import.meta.url)(join(ROOT, 'serverless-plugins', 'esbuild-plugins.cjs')),
    absWorkingDir: ROOT,
    logLevel: 'error',
  });
}

/** The revision each era is measured at. */
const REVISION = { modern: '2026-07-28', legacy: '2025-11-25' } as const;

/**
 * Module load and then the first tools/call, in a fresh process per sample (measure.ts
 * coldStart), the bundles alternated: what a request that starts a container waits for, the
 * handler's own part of it. Medians of wall and CPU ms.
 */
function coldStarts(files: { mcp: string; bare: string }, era: 'modern' | 'legacy') {
  const samples = { mcp: [] as Array<ReturnType<typeof coldStart>>, bare: [] as Array<ReturnType<typeof coldStart>> };
  const env = { ...ENVIRONMENT, AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_SECRET_ACCESS_KEY: 'bench-secret', AWS_SESSION_TOKEN: 'bench-session' };
  for (let run = 0; run < COLD_START_RUNS; run++) {
    for (const which of ['mcp', 'bare'] as const) {
      const request = which === 'mcp' ? toolsCall('whoami', {}, era === 'modern') : toolsCall('echo', { text: 'hi' }, era === 'modern');
      samples[which].push(coldStart(files[which], env, event(request.body, request.headers)));
    }
  }
  const figures = (rows: Array<ReturnType<typeof coldStart>>) => {
    const median = (column: (row: ReturnType<typeof coldStart>) => number) => percentile(rows.map(column).sort((a, b) => a - b), 50);
    return {
      loadWall: median((row) => row.loadWallMs),
      loadCpu: median((row) => row.loadCpuMs),
      callWall: median((row) => row.callWallMs),
      callCpu: median((row) => row.callCpuMs),
      wall: median((row) => row.loadWallMs + row.callWallMs),
      cpu: median((row) => row.loadCpuMs + row.callCpuMs),
    };
  };
  return { mcp: figures(samples.mcp), bare: figures(samples.bare) };
}

interface WarmFigures {
  median: number;
  mean: number;
}

type WarmRun = 'mcp' | 'exact' | 'bare';
/** Each warm run: its name, then warm-process.ts's handler and optional lease arguments. */
const WARM_RUNS_OF: ReadonlyArray<readonly [WarmRun, string, ...string[]]> = [['mcp', 'mcp'], ['exact', 'mcp', '1'], ['bare', 'bare']];

/**
 * Per handler, the median over `rounds` warm processes (bench/warm-process.ts, handlers
 * alternated) of each process's median and mean: the MCP handler with the default lease, with
 * lease 1 (one rate-limit reservation per call: what exactness costs), and the bare handler.
 */
function warmFigures(era: 'modern' | 'legacy', rounds: number): Record<WarmRun, WarmFigures> {
  const samples = Object.fromEntries(WARM_RUNS_OF.map(([which]) => [which, { median: [] as number[], mean: [] as number[] }])) as Record<WarmRun, { median: number[]; mean: number[] }>;
  for (let round = 0; round < rounds; round++) {
    for (const [which, handler, ...lease] of WARM_RUNS_OF) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'warm-process.ts'), handler, era, String(WARM_RUNS), ...lease], {
        cwd: ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
        encoding: 'utf8',
      });
      const [median, mean] = output.trim().split('\n').pop()!.split(' ').map(Number);
      samples[which].median.push(median!);
      samples[which].mean.push(mean!);
    }
  }
  const median = (values: number[]) => percentile(values.sort((a, b) => a - b), 50);
  return Object.fromEntries(WARM_RUNS_OF.map(([which]) => [which, { median: median(samples[which].median), mean: median(samples[which].mean) }])) as Record<WarmRun, WarmFigures>;
}

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

    console.log(`\ncold start: module load, then the first tools/call (median of ${COLD_START_RUNS} fresh processes per bundle, alternated; the MCP handler buffered, its rate-limit write answered by a DynamoDB stand-in on loopback)`);
    console.log('era         bundle         load wall  load CPU  1st call wall  1st call CPU   total wall  total CPU   ratio wall  ratio CPU');
    for (const era of ['modern', 'legacy'] as const) {
      const { mcp, bare } = coldStarts({ mcp: files['mcp (buffer)']!, bare: files['bare v2']! }, era);
      for (const [name, figures] of [['mcp (buffer)', mcp], ['bare v2', bare]] as const) {
        console.log(
          `${REVISION[era].padEnd(12)}${name.padEnd(14)}${figures.loadWall.toFixed(1).padStart(10)}${figures.loadCpu.toFixed(1).padStart(10)}${figures.callWall.toFixed(1).padStart(15)}${figures.callCpu.toFixed(1).padStart(14)}${figures.wall.toFixed(1).padStart(13)}${figures.cpu.toFixed(1).padStart(11)}${`${(figures.wall / bare.wall).toFixed(2)}x`.padStart(13)}${`${(figures.cpu / bare.cpu).toFixed(2)}x`.padStart(11)}`,
        );
      }
    }

    console.log(`\nwarm tools/call, each handler in a process of its own as on Lambda (${WARM_RUNS} calls per process, median of ${WARM_ROUNDS} processes per handler, alternated; the MCP handler's DynamoDB adapter as deployed, its network answered in process, the rate limit's lease as deployed: one reservation per ${LEASE} calls, in the mean)`);
    console.log('era         handler                      median ms   ratio   mean ms   ratio   (ratios to the bare handler; goal: at most 1.2x)');
    for (const era of ['modern', 'legacy'] as const) {
      const figures = warmFigures(era, WARM_ROUNDS);
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`.padStart(7);
      const rows: Array<[string, WarmFigures]> = [
        [`mcp, lease ${LEASE} (as deployed)`, figures.mcp],
        ['mcp, lease 1 (exact count)', figures.exact],
        ['bare v2', figures.bare],
      ];
      for (const [label, { median, mean }] of rows) {
        console.log(
          `${REVISION[era].padEnd(12)}${label.padEnd(28)}${median.toFixed(3).padStart(10)} ${ratio(median, figures.bare.median)} ${mean.toFixed(3).padStart(9)} ${ratio(mean, figures.bare.mean)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
