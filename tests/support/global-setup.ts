import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type StackInfo, startLocalStack } from '../../local/stack.js';
import { settingsFromEnv } from '../../local/settings.js';
import { CIMD_CERT_FILE, startCimdHost } from './cimd-host.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    /** The https host of test CIMD documents: write {dir}/<name>.json, fetch {origin}/<name>.json. */
    cimd: { origin: string; dir: string };
  }
}

/**
 * A browser origin the test stack allows besides the MCP Inspector's, set the way a developer sets
 * one for `npm start` (tests/integration/local-allowed-origins.test.ts).
 */
export const EXTRA_ALLOWED_ORIGIN = 'http://localhost:5173';

/** Starts the real local stack for the integration tests and stops it (and its files) after. */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-test-stack-'));
  // Seven consecutive ports from TEST_STACK_BASE_PORT (default 3100), so that test runs of
  // several checkouts can share a machine.
  const base = Number(process.env.TEST_STACK_BASE_PORT ?? 3100);
  const cimd = { origin: `https://localhost:${base + 6}`, dir: join(dataDir, 'cimd') };
  mkdirSync(cimd.dir);
  const cimdHost = await startCimdHost(base + 6, cimd.dir);
  const settings = {
    ...settingsFromEnv({
      MCP_LOCAL_PORT: String(base),
      MCP_LOCAL_OFFLINE_PORT: String(base + 1),
      MCP_LOCAL_LAMBDA_PORT: String(base + 2),
      MCP_LOCAL_COGNITO_PORT: String(base + 3),
      MCP_LOCAL_DYNAMODB_PORT: String(base + 4),
      MCP_LOCAL_SECRETS_PORT: String(base + 5),
      MCP_LOCAL_DATA_DIR: dataDir,
      MCP_LOCAL_DYNAMODB_IN_MEMORY: '1',
      MCP_LOCAL_ALLOWED_ORIGINS: `http://localhost:6274 ${EXTRA_ALLOWED_ORIGIN}`,
      // The CIMD host is loopback: allowed only through the local-only LOCAL_CIMD_ORIGINS.
      MCP_LOCAL_CIMD_ORIGINS: cimd.origin,
      MCP_LOCAL_EXTRA_CA_FILE: CIMD_CERT_FILE,
    }),
    echoFunctionLogs: false,
  };
  const stack = await startLocalStack(settings);
  project.provide('stack', stack.info);
  project.provide('cimd', cimd);
  return async () => {
    await stack.stop();
    await new Promise<void>((resolve) => cimdHost.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
