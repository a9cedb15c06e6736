/**
 * Bundle size and cold module-load time of every function, as `serverless package` builds them
 * (minified ESM per function). Runs in a copy of the project so it never races a running stack.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const ROOT = resolve(import.meta.dirname, '..');
const COPIED = ['serverless.yml', 'package.json', 'tsconfig.json', 'resources', 'authorizer', 'dcr', 'functions', 'lib', 'serverless-plugins'];
const LOAD_RUNS = 5;

// What each function's configuration needs at import time (it is validated at cold start).
const ENVIRONMENT = {
  USER_POOL_ID: 'us-east-1_Bench',
  PUBLIC_BASE_URL: 'https://mcp.example.com',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
  RESOURCE_SERVER_ID: 'https://mcp.example.com/mcp',
  COGNITO_OAUTH_BASE_URL: 'https://auth.example.com',
  CLIENTS_TABLE: 'bench-clients',
  RATE_LIMITS_TABLE: 'bench-rate-limits',
  REVOCATIONS_TABLE: 'bench-revocations',
  API_KEYS_TABLE: 'bench-api-keys',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export function packageFunctions(): { dir: string; bundles: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'bench'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
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

/** Median wall time of importing the bundle in a fresh Node process (module load + cold-start init). */
function coldLoadMs(bundle: string): number {
  const times: number[] = [];
  for (let run = 0; run < LOAD_RUNS; run++) {
    const script = `const t=performance.now();await import(${JSON.stringify(bundle)});console.log(performance.now()-t)`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...ENVIRONMENT },
      encoding: 'utf8',
    });
    times.push(Number(output.trim().split('\n').pop()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function benchBundles(): void {
  const { dir, bundles } = packageFunctions();
  try {
    console.log('\nFunction bundles (minified ESM, as deployed)');
    console.log('function     size KB   gzip KB   cold load ms (median of 5)');
    for (const [name, file] of Object.entries(bundles).sort()) {
      const bytes = readFileSync(file);
      console.log(
        `${name.padEnd(12)} ${(bytes.length / 1024).toFixed(1).padStart(7)} ${(gzipSync(bytes).length / 1024).toFixed(1).padStart(9)} ${coldLoadMs(file).toFixed(1).padStart(10)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
