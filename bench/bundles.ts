/**
 * Bundle size and cold module-load time of every function, as `serverless package` builds them
 * (minified ESM per function). Runs in a copy of the project so it never races a running stack.
 *
 * `npm run bench -- bundles <git ref>` also packages the service as it was at that commit and
 * measures both in the same run, alternating, so the ratio holds on a machine whose load changes
 * between runs.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageInScratchCopy, SERVICE_FILES } from '../scripts/package-service.js';
import { medianColdLoadMs, sizeColumns } from './measure.js';

const ROOT = resolve(import.meta.dirname, '..');

const LOAD_RUNS = 5;

// What each function's configuration needs at import time (it is validated at cold start).
const ENVIRONMENT = {
  USER_POOL_ID: 'us-east-1_Bench',
  CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-tool',
  PUBLIC_BASE_URL: 'https://mcp.example.com',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
  MCP_REQUEST_STATE_SECRET_ID: 'bench-mcp-request-state',
  RESOURCE_SERVER_ID: 'https://mcp.example.com/mcp',
  COGNITO_OAUTH_BASE_URL: 'https://auth.example.com',
  CLIENTS_TABLE: 'bench-clients',
  RATE_LIMITS_TABLE: 'bench-rate-limits',
  REVOCATIONS_TABLE: 'bench-revocations',
  API_KEYS_TABLE: 'bench-api-keys',
  OAUTH_STATE_TABLE: 'bench-oauth-state',
  OAUTH_KEY_SECRET_ID: 'bench-oauth-key',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

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

function packageFunctions(ref?: string): { dir: string; bundles: Record<string, string> } {
  const dir = ref ? packageAtCommit(ref) : packageInScratchCopy({ stage: 'bench', prefix: 'mcp-bench-' });
  const bundles: Record<string, string> = {};
  for (const zip of readdirSync(join(dir, '.serverless')).filter((file) => file.endsWith('.zip'))) {
    const name = zip.replace('.zip', '');
    const out = join(dir, 'unzipped', name);
    mkdirSync(out, { recursive: true });
    execFileSync('unzip', ['-q', join(dir, '.serverless', zip), '-d', out]);
    const handler = findFile(out, (file) => file.endsWith('.mjs'));
    if (handler) bundles[name] = handler;
  }
  return { dir, bundles };
}

function findFile(dir: string, wanted: (file: string) => boolean): string | undefined {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, wanted);
      if (found) return found;
    } else if (wanted(path)) return path;
  }
  return undefined;
}

export function benchBundles(ref = process.argv[3]): void {
  const current = packageFunctions();
  const before = ref ? packageFunctions(ref) : undefined;
  try {
    console.log('\nFunction bundles (minified ESM, as deployed)');
    if (!before) {
      console.log('function         size KB   gzip KB   cold load ms (median of 5)');
      for (const [name, file] of Object.entries(current.bundles).sort()) {
        console.log(`${name.padEnd(16)} ${sizeColumns(file)} ${medianColdLoadMs(file, ENVIRONMENT, LOAD_RUNS).toFixed(1).padStart(10)}`);
      }
      return;
    }
    console.log(`now vs ${ref}, measured alternately in this run (cold load: median of ${LOAD_RUNS} per round, median of 3 rounds)`);
    console.log('function         size KB   gzip KB | before KB   gzip KB |  cold ms  before ms   ratio');
    for (const [name, file] of Object.entries(current.bundles).sort()) {
      const old = before.bundles[name];
      if (!old) {
        console.log(`${name.padEnd(16)} ${sizeColumns(file)} |  (not in ${ref})`);
        continue;
      }
      const now: number[] = [];
      const then: number[] = [];
      for (let round = 0; round < 3; round++) {
        now.push(medianColdLoadMs(file, ENVIRONMENT, LOAD_RUNS));
        then.push(medianColdLoadMs(old, ENVIRONMENT, LOAD_RUNS));
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
      const [a, b] = [median(now), median(then)];
      console.log(
        `${name.padEnd(16)} ${sizeColumns(file)} | ${sizeColumns(old)} | ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(10)} ${(a / b).toFixed(2).padStart(6)}x`,
      );
    }
  } finally {
    rmSync(current.dir, { recursive: true, force: true });
    if (before) rmSync(before.dir, { recursive: true, force: true });
  }
}
