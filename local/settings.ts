import { resolve } from 'node:path';

/** Where and on which ports the embedded local stack runs. Every port can be changed by env. */
export interface LocalStackSettings {
  /** The API as clients see it (the gateway-response proxy): http://localhost:{apiPort}. */
  apiPort: number;
  /** serverless-offline itself, behind the proxy. */
  offlinePort: number;
  offlineLambdaPort: number;
  cognitoPort: number;
  dynamoDbPort: number;
  /** State: cognito-local's files, DynamoDB Local's database (unless in memory), logs, stack.json. */
  dataDir: string;
  /** Keep DynamoDB in memory (tests) instead of in dataDir (npm start). */
  inMemoryDynamoDb: boolean;
  /** Echo serverless-offline's output (the functions' logs) to this process's stdout. */
  echoFunctionLogs: boolean;
}

export const LOCAL_STAGE = 'local';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_LocalPool`;
export const DEMO_USER = { username: 'demo@example.com', password: 'Demo-password-1', groups: ['mcp-admins'] } as const;
export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

function port(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
    throw new Error(`${name} must be a TCP port number, got "${value}"`);
  }
  return parsed;
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): LocalStackSettings {
  return {
    apiPort: port(env, 'MCP_LOCAL_PORT', 3000),
    offlinePort: port(env, 'MCP_LOCAL_OFFLINE_PORT', 3002),
    offlineLambdaPort: port(env, 'MCP_LOCAL_LAMBDA_PORT', 3003),
    cognitoPort: port(env, 'MCP_LOCAL_COGNITO_PORT', 9229),
    dynamoDbPort: port(env, 'MCP_LOCAL_DYNAMODB_PORT', 8000),
    dataDir: resolve(PROJECT_ROOT, env.MCP_LOCAL_DATA_DIR ?? '.local'),
    inMemoryDynamoDb: env.MCP_LOCAL_DYNAMODB_IN_MEMORY === '1',
    echoFunctionLogs: true,
  };
}

export const urls = (settings: LocalStackSettings) => ({
  baseUrl: `http://localhost:${settings.apiPort}`,
  mcpUrl: `http://localhost:${settings.apiPort}/mcp`,
  offlineUrl: `http://localhost:${settings.offlinePort}`,
  cognitoUrl: `http://localhost:${settings.cognitoPort}`,
  dynamoDbUrl: `http://localhost:${settings.dynamoDbPort}`,
});
