/**
 * Bundle size and cold module-load time of every function, as `serverless package` builds them
 * (minified ESM per function), each started on its runtime's Node with the template's environment
 * (bench/packaged-functions.ts; bench/deployed.ts measures them against their floors). Runs in a
 * copy of the project so it never races a running stack.
 *
 * `npm run bench -- bundles <git ref>` also packages the service as it was at that commit and
 * measures both in the same run, alternating, so the ratio holds on a machine whose load changes
 * between runs.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageInScratchCopy, SERVICE_FILES } from '../scripts/package-service.js';
import { medianColdLoadMs, sizeColumns } from './measure.js';
import { type PackagedFunction, REGION, functionsIn, nodeOf } from './packaged-functions.js';

const ROOT = resolve(import.meta.dirname, '..');

const LOAD_RUNS = 5;

/** The service's files at a commit, packaged as packageInScratchCopy packages today's (node_modules linked: today's). */
function packageAtCommit(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-ref-'));
  const paths = SERVICE_FILES.filter((path) => execFileSync('git', ['ls-tree', '--name-only', ref, path], { cwd: ROOT, encoding: 'utf8' }).trim());
  execSync(`git archive ${JSON.stringify(ref)} ${paths.map((path) => JSON.stringify(path)).join(' ')} | tar -x -C ${JSON.stringify(dir)}`, { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'bench'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
  return dir;
}

/** The packaged functions, each started as the template starts it (bench/packaged-functions.ts). */
function packageFunctions(ref?: string): { dir: string; functions: Map<string, PackagedFunction> } {
  const dir = ref ? packageAtCommit(ref) : packageInScratchCopy({ stage: 'bench', region: REGION, prefix: 'mcp-bench-' });
  return { dir, functions: new Map(functionsIn(dir).map((fn) => [fn.name, fn])) };
}

/** Median wall time of cold imports of a packaged function, on its runtime's Node with its environment. */
function coldLoadMs(fn: PackagedFunction): number {
  return medianColdLoadMs(fn.bundle, fn.environment, LOAD_RUNS, { node: nodeOf(fn.runtime) });
}

export function benchBundles(ref = process.argv[3]): void {
  const current = packageFunctions();
  const before = ref ? packageFunctions(ref) : undefined;
  try {
    console.log('\nFunction bundles (minified ESM, as deployed)');
    if (!before) {
      console.log('function         size KB   gzip KB   cold load ms (median of 5)');
      for (const [name, fn] of current.functions) {
        console.log(`${name.padEnd(16)} ${sizeColumns(fn.bundle)} ${coldLoadMs(fn).toFixed(1).padStart(10)}`);
      }
      return;
    }
    console.log(`now vs ${ref}, measured alternately in this run (cold load: median of ${LOAD_RUNS} per round, median of 3 rounds)`);
    console.log('function         size KB   gzip KB | before KB   gzip KB |  cold ms  before ms   ratio');
    for (const [name, fn] of current.functions) {
      const old = before.functions.get(name);
      if (!old) {
        console.log(`${name.padEnd(16)} ${sizeColumns(fn.bundle)} |  (not in ${ref})`);
        continue;
      }
      const now: number[] = [];
      const then: number[] = [];
      for (let round = 0; round < 3; round++) {
        now.push(coldLoadMs(fn));
        then.push(coldLoadMs(old));
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
      const [a, b] = [median(now), median(then)];
      console.log(
        `${name.padEnd(16)} ${sizeColumns(fn.bundle)} | ${sizeColumns(old.bundle)} | ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(10)} ${(a / b).toFixed(2).padStart(6)}x`,
      );
    }
  } finally {
    rmSync(current.dir, { recursive: true, force: true });
    if (before) rmSync(before.dir, { recursive: true, force: true });
  }
}
