import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient, startCognito } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { OPERATOR_CLIENT_REDIRECT_URIS, seedOperatorClient } from '../../local/operator-client.js';
import { LOCAL_USER_POOL_ID, PROJECT_ROOT, settingsFromEnv } from '../../local/settings.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { copyTableDefinition } from '../support/scratch-tables.js';

/** Ports the system gives out (ephemeral range: never one of fetch's bad ports), free when asked. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen({ port: 0 }, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: 'localhost' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start fails cleanly (local/start.ts run as `npm start` runs it, with a PATH of our making)', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcp-start-failures-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A bin folder with node and, optionally, a `java` script standing in for the real one. */
  function binDir(name: string, java?: string): string {
    const dir = join(root, name);
    mkdirSync(dir);
    symlinkSync(process.execPath, join(dir, 'node'));
    if (java) {
      writeFileSync(join(dir, 'java'), `#!/bin/sh\n${java}\n`);
      chmodSync(join(dir, 'java'), 0o755);
    }
    return dir;
  }

  async function start(bin: string, dataDir: string) {
    const [api, offline, lambda, cognito, dynamodb, secrets] = await freePorts(6);
    const env = {
      HOME: process.env.HOME,
      PATH: bin,
      MCP_LOCAL_PORT: String(api),
      MCP_LOCAL_OFFLINE_PORT: String(offline),
      MCP_LOCAL_LAMBDA_PORT: String(lambda),
      MCP_LOCAL_COGNITO_PORT: String(cognito),
      MCP_LOCAL_DYNAMODB_PORT: String(dynamodb),
      MCP_LOCAL_SECRETS_PORT: String(secrets),
      MCP_LOCAL_DATA_DIR: dataDir,
    };
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'], { cwd: PROJECT_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr, ports: [api!, offline!, lambda!, cognito!, dynamodb!, secrets!] };
  }

  it('without Java: says so, with the install hint, and starts nothing', async () => {
    const dataDir = join(root, 'no-java-data');
    const result = await start(binDir('no-java'), dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Local stack failed to start: Java was not found (no `java` on PATH)');
    expect(result.stderr).toContain('apt-get install openjdk-17-jre-headless');
    expect(result.stderr).not.toContain('port');
    expect(existsSync(join(dataDir, 'logs'))).toBe(false);
    expect(await Promise.all(result.ports.map(listening))).toEqual(result.ports.map(() => false));
  }, 60_000);

  it('when DynamoDB Local dies at start-up: quotes its log, and stops cognito-local, which had started beside it', async () => {
    // Passes the version check, then fails as a broken JVM would.
    const java = binDir('broken-java', 'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.15" 2025-04-15\' >&2; exit 0; fi\necho "Error: Could not create the Java Virtual Machine." >&2\nexit 1');
    const dataDir = join(root, 'broken-java-data');
    const result = await start(java, dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Local stack failed to start: DynamoDB Local: the process exited during start-up; the end of its log');
    expect(result.stderr).toContain('Error: Could not create the Java Virtual Machine.');
    // cognito-local was started (its log exists) and is stopped: nothing listens on any port, no stack.json.
    expect(readdirSync(join(dataDir, 'logs')).sort()).toEqual(['cognito.log', 'dynamodb.log']);
    expect(await Promise.all(result.ports.map(listening))).toEqual(result.ports.map(() => false));
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
  }, 90_000);

  it('refuses a port fetch refuses before starting anything', async () => {
    const dataDir = join(root, 'bad-port-data');
    const [api, offline, lambda, dynamodb, secrets] = await freePorts(5);
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        MCP_LOCAL_PORT: String(api), MCP_LOCAL_OFFLINE_PORT: String(offline), MCP_LOCAL_LAMBDA_PORT: String(lambda),
        MCP_LOCAL_COGNITO_PORT: '6000', MCP_LOCAL_DYNAMODB_PORT: String(dynamodb), MCP_LOCAL_SECRETS_PORT: String(secrets),
        MCP_LOCAL_DATA_DIR: dataDir,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(1);
    expect(stderr).toContain('Local stack failed to start: MCP_LOCAL_COGNITO_PORT=6000: fetch refuses this port');
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});

describe('the saved operator client after MCP_LOCAL_PORT changes (its own cognito-local, the stack\'s DynamoDB Local)', () => {
  const stack = inject('stack');
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-port-change-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its id and registry row, and names the new port in its scopes and its callback', async () => {
    const [cognitoPort] = await freePorts(1);
    const settings = { ...settingsFromEnv({ MCP_LOCAL_COGNITO_PORT: String(cognitoPort), MCP_LOCAL_DATA_DIR: dataDir }), echoFunctionLogs: false };
    const cognitoProcess = await startCognito(settings);
    const cognitoUrl = `http://localhost:${cognitoPort}`;
    const cognito = localCognitoClient(cognitoUrl);
    const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
    const table = `operator-port-change-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await copyTableDefinition(dynamoDb, 'secure-mcp-local-clients', table);
      const endpoints = { cognito: cognitoUrl, dynamoDb: stack.dynamoDbEndpoint };
      const first = await seedOperatorClient(endpoints, 'http://localhost:3000', table);
      const again = await seedOperatorClient(endpoints, 'http://localhost:3750', table);
      expect(again).toBe(first);
      const { UserPoolClient } = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: LOCAL_USER_POOL_ID, ClientId: first }));
      expect(UserPoolClient).toMatchObject({
        AllowedOAuthScopes: ['http://localhost:3750/mcp/read', 'http://localhost:3750/mcp/write', 'http://localhost:3750/mcp/admin'],
        CallbackURLs: ['http://localhost:3750/oauth/callback'],
        AllowedOAuthFlows: ['code'],
        EnableTokenRevocation: true,
      });
      const row = await createDocumentClient(dynamoDb).send(new GetCommand({ TableName: table, Key: { clientId: first } }));
      expect(row.Item).toMatchObject({ source: 'manual', status: 'active', redirectUris: OPERATOR_CLIENT_REDIRECT_URIS });
    } finally {
      cognito.destroy();
      dynamoDb.destroy();
      await cognitoProcess.stop();
    }
  });
});
