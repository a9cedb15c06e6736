import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type StackInfo, startLocalStack } from '../../local/stack.js';
import { settingsFromEnv } from '../../local/settings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** Starts the real local stack for the integration tests and stops it (and its files) after. */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-test-stack-'));
  const settings = {
    ...settingsFromEnv({
      MCP_LOCAL_PORT: process.env.TEST_STACK_PORT ?? '3100',
      MCP_LOCAL_OFFLINE_PORT: '3102',
      MCP_LOCAL_LAMBDA_PORT: '3103',
      MCP_LOCAL_COGNITO_PORT: '9329',
      MCP_LOCAL_DYNAMODB_PORT: '8100',
      MCP_LOCAL_DATA_DIR: dataDir,
      MCP_LOCAL_DYNAMODB_IN_MEMORY: '1',
    }),
    echoFunctionLogs: false,
  };
  const stack = await startLocalStack(settings);
  project.provide('stack', stack.info);
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
