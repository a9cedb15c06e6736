/**
 * Bundle size and cold module-load time of every function, as `serverless package` builds them
 * (minified ESM per function). Runs in a copy of the project so it never races a running stack.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageInScratchCopy } from '../scripts/package-service.js';
import { medianColdLoadMs, sizeColumns } from './measure.js';

const LOAD_RUNS = 5;

// What each function's configuration needs at import time (it is validated at cold start).
const ENVIRONMENT = {
  USER_POOL_ID: 'us-east-1_Bench',
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

function packageFunctions(): { dir: string; bundles: Record<string, string> } {
  const dir = packageInScratchCopy({ stage: 'bench', prefix: 'mcp-bench-' });
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

export function benchBundles(): void {
  const { dir, bundles } = packageFunctions();
  try {
    console.log('\nFunction bundles (minified ESM, as deployed)');
    console.log('function         size KB   gzip KB   cold load ms (median of 5)');
    for (const [name, file] of Object.entries(bundles).sort()) {
      console.log(`${name.padEnd(16)} ${sizeColumns(file)} ${medianColdLoadMs(file, ENVIRONMENT, LOAD_RUNS).toFixed(1).padStart(10)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
