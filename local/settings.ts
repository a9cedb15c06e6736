import { join, resolve } from 'node:path';
import { originList } from '../lib/http/cors.js';
import { FETCH_BAD_PORTS } from './fetch-bad-ports.js';

/** Where and on which ports the embedded local stack runs. Every port can be changed by env. */
export interface LocalStackSettings {
  /** The API as clients see it (the gateway-response proxy): http://localhost:{apiPort}. */
  apiPort: number;
  /** serverless-offline itself, behind the proxy. */
  offlinePort: number;
  offlineLambdaPort: number;
  cognitoPort: number;
  dynamoDbPort: number;
  /** The Secrets Manager stand-in (local/secrets-manager.ts) holding the facade's sealing key. */
  secretsPort: number;
  /** State: cognito-local's files, DynamoDB Local's database (unless in memory), logs, stack.json. */
  dataDir: string;
  /** Keep DynamoDB in memory (tests) instead of in dataDir (npm start). */
  inMemoryDynamoDb: boolean;
  /** Echo serverless-offline's output (the functions' logs) to this process's stdout. */
  echoFunctionLogs: boolean;
  /**
   * serverless.yml's `allowedOrigins` for the local stage, space separated (empty: no browser
   * origin); undefined leaves serverless.yml its default (the MCP Inspector's origin).
   */
  allowedOrigins: string | undefined;
  /**
   * Loopback origins whose Client ID Metadata Documents the local stage may fetch despite the
   * SSRF rules (LOCAL_CIMD_ORIGINS, dcr/cimd/local-origins.ts); from MCP_LOCAL_CIMD_ORIGINS.
   */
  cimdOrigins: string | undefined;
  /** A CA certificate file the functions trust besides the system's (NODE_EXTRA_CA_CERTS), for a local https CIMD host. */
  extraCaFile: string | undefined;
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
  if (FETCH_BAD_PORTS.has(parsed)) {
    throw new Error(
      `${name}=${parsed}: fetch refuses this port (a "bad port" of the WHATWG Fetch standard: Node and browsers never connect to it), ` +
        'so neither the stack nor any MCP client could reach it; choose another port',
    );
  }
  return parsed;
}

/** The port settings, by variable; two parts of the stack cannot listen on one port. */
const PORT_VARIABLES = {
  apiPort: ['MCP_LOCAL_PORT', 3000],
  offlinePort: ['MCP_LOCAL_OFFLINE_PORT', 3002],
  offlineLambdaPort: ['MCP_LOCAL_LAMBDA_PORT', 3003],
  cognitoPort: ['MCP_LOCAL_COGNITO_PORT', 9229],
  dynamoDbPort: ['MCP_LOCAL_DYNAMODB_PORT', 8000],
  secretsPort: ['MCP_LOCAL_SECRETS_PORT', 9230],
} as const;

type PortSettings = { -readonly [K in keyof typeof PORT_VARIABLES]: number };

function ports(env: Record<string, string | undefined>): PortSettings {
  const chosen = {} as PortSettings;
  const byPort = new Map<number, string>();
  for (const [key, [name, fallback]] of Object.entries(PORT_VARIABLES) as Array<[keyof PortSettings, readonly [string, number]]>) {
    const value = port(env, name, fallback);
    const other = byPort.get(value);
    if (other) throw new Error(`${other} and ${name} are both ${value}: every part of the local stack needs a port of its own`);
    byPort.set(value, name);
    chosen[key] = value;
  }
  return chosen;
}

/** The variable that sets each port, for messages about a port (see portsInUse in start-checks.ts). */
export const portVariable = (key: keyof PortSettings): string => PORT_VARIABLES[key][0];

/**
 * The LOCAL_* variables serverless.yml's local params read. The stack sets them for the processes
 * it starts, from the MCP_LOCAL_* setting named here (null: fixed by the stack); set in the shell
 * they would be ignored, so they are refused with a pointer to the setting that works.
 */
export const STACK_SET_VARIABLES: Readonly<Record<string, string | null>> = {
  LOCAL_PUBLIC_BASE_URL: 'MCP_LOCAL_PORT',
  LOCAL_COGNITO_URL: 'MCP_LOCAL_COGNITO_PORT',
  LOCAL_USER_POOL_ID: null,
  // The connected-apps page's app client, created by the stack (local/apps-page-client.ts).
  LOCAL_APPS_CLIENT_ID: null,
  LOCAL_OFFLINE_PORT: 'MCP_LOCAL_OFFLINE_PORT',
  LOCAL_LAMBDA_PORT: 'MCP_LOCAL_LAMBDA_PORT',
  LOCAL_ALLOWED_ORIGINS: 'MCP_LOCAL_ALLOWED_ORIGINS',
  // The stack's own build folder (local/offline.ts), named after MCP_LOCAL_OFFLINE_PORT.
  LOCAL_BUILD_FOLDER: 'MCP_LOCAL_OFFLINE_PORT',
};

function refuseStackSetVariables(env: Record<string, string | undefined>): void {
  for (const [name, setting] of Object.entries(STACK_SET_VARIABLES)) {
    if (env[name] === undefined) continue;
    throw new Error(`${name} is set by the local stack itself; ${setting ? `set ${setting} instead` : 'unset it'}`);
  }
}

function allowedOrigins(env: Record<string, string | undefined>): string | undefined {
  const value = env.MCP_LOCAL_ALLOWED_ORIGINS;
  if (value === undefined) return undefined;
  const parsed = originList.safeParse(value);
  if (!parsed.success) {
    throw new Error(`MCP_LOCAL_ALLOWED_ORIGINS: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  // Normalised and space separated, as the deployed gateway responses split the list.
  return parsed.data.join(' ');
}

/**
 * Where the stack keeps its state and stack.json: MCP_LOCAL_DATA_DIR, relative to the project root
 * (npm runs every script there), else `.local`. `npm start` and `npm run admin -- --local` both
 * use this, so the CLI finds the stack wherever the variable put it.
 */
export function dataDirFromEnv(env: Record<string, string | undefined> = process.env): string {
  const value = env.MCP_LOCAL_DATA_DIR;
  return resolve(PROJECT_ROOT, value === undefined || value === '' ? '.local' : value);
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): LocalStackSettings {
  refuseStackSetVariables(env);
  return {
    ...ports(env),
    dataDir: dataDirFromEnv(env),
    inMemoryDynamoDb: env.MCP_LOCAL_DYNAMODB_IN_MEMORY === '1',
    echoFunctionLogs: true,
    allowedOrigins: allowedOrigins(env),
    cimdOrigins: env.MCP_LOCAL_CIMD_ORIGINS?.trim() || undefined,
    extraCaFile: env.MCP_LOCAL_EXTRA_CA_FILE ? resolve(PROJECT_ROOT, env.MCP_LOCAL_EXTRA_CA_FILE) : undefined,
  };
}

/** The stack's description for scripts (see StackInfo in stack.ts), in its data directory. */
export const stackInfoFileIn = (dataDir: string) => join(dataDir, 'stack.json');

export const urls = (settings: LocalStackSettings) => ({
  baseUrl: `http://localhost:${settings.apiPort}`,
  mcpUrl: `http://localhost:${settings.apiPort}/mcp`,
  offlineUrl: `http://localhost:${settings.offlinePort}`,
  cognitoUrl: `http://localhost:${settings.cognitoPort}`,
  dynamoDbUrl: `http://localhost:${settings.dynamoDbPort}`,
  secretsUrl: `http://localhost:${settings.secretsPort}`,
});
