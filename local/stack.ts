import { seedAppsPageClient } from './apps-page-client.js';
import type { Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { seedDemoUser, startCognito } from './cognito.js';
import { seedOperatorClient } from './operator-client.js';
import { createTables, startDynamoDb } from './dynamodb.js';
import { startGatewayProxy } from './gateway-proxy.js';
import { startSecretsManager } from './secrets-manager.js';
import { gatewayResponsesOf } from './gateway-responses.js';
import { startOffline, offlineEnvironment } from './offline.js';
import { type ManagedProcess, killAllSync } from './processes.js';
import { checkJava, checkPortsFree } from './start-checks.js';
import { gatewayCorsPolicy } from './gateway-cors.js';
import { checkOrigin, corsHeaders } from '../lib/http/cors.js';
import { evaluate, resolveService } from './service-definition.js';
import { DEMO_USER, LOCAL_USER_POOL_ID, type LocalStackSettings, stackInfoFileIn, urls } from './settings.js';

/** What scripts and tests need to talk to a running local stack (also written to stack.json). */
export interface StackInfo {
  pid: number;
  baseUrl: string;
  mcpUrl: string;
  cognitoEndpoint: string;
  dynamoDbEndpoint: string;
  /** The Secrets Manager stand-in holding the facade's sealing key. */
  secretsManagerEndpoint: string;
  userPoolId: string;
  /** Logs of every process are in {dataDir}/logs. */
  dataDir: string;
  demoUser: { username: string; password: string; sub: string };
  /** An operator-registered app client: may carry the admin scope; the demo user's group grants it. */
  operatorClientId: string;
  /** The connected-apps page's own app client (local/apps-page-client.ts). */
  appsClientId: string;
}

export interface RunningStack {
  info: StackInfo;
  stop(): Promise<void>;
}

export function stackInfoFile(settings: LocalStackSettings): string {
  return stackInfoFileIn(settings.dataDir);
}

/**
 * Starts every part, or none: Java and the ports are checked before anything starts, a part that
 * fails to start stops itself (processes.ts, waitUntil), and the parts already up are stopped in
 * the reverse order of their start before the error is thrown.
 */
export async function startLocalStack(settings: LocalStackSettings): Promise<RunningStack> {
  checkJava();
  await checkPortsFree(settings);
  mkdirSync(settings.dataDir, { recursive: true });
  const processes: ManagedProcess[] = [];
  let proxy: Server | undefined;
  let secrets: Server | undefined;
  const killOnExit = () => killAllSync(processes);
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    for (const server of [proxy, secrets]) {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
    }
    for (const managed of [...processes].reverse()) await managed.stop();
  };
  const track = (managed: Promise<ManagedProcess>) => managed.then((started) => (processes.push(started), started));
  try {
    const at = urls(settings);
    // Settled, not raced: when one part fails, the others finish starting and are then stopped,
    // rather than left running unseen (the next start would find them on its ports).
    const [service] = await allStarted([
      resolveService(offlineEnvironment(settings)),
      track(startDynamoDb(settings)),
      track(startCognito(settings)),
    ] as const);
    const [, demo] = await Promise.all([createTables(service, at.dynamoDbUrl), seedDemoUser(at.cognitoUrl)]);
    const operatorClientId = await seedOperatorClient(
      { cognito: at.cognitoUrl, dynamoDb: at.dynamoDbUrl },
      at.baseUrl,
      evaluate(service.resources.ClientsTable?.Properties.TableName),
    );
    const appsClientId = await seedAppsPageClient(at.cognitoUrl, at.baseUrl);
    secrets = await startSecretsManager(settings.secretsPort);
    await track(startOffline(settings, { appsClientId }));
    const cors = gatewayCorsPolicy(service);
    proxy = await startGatewayProxy({
      port: settings.apiPort,
      offlinePort: settings.offlinePort,
      responses: gatewayResponsesOf(service),
      corsHeadersFor: (origin) => corsHeaders(checkOrigin(origin, cors), cors),
    });
    const info: StackInfo = {
      pid: process.pid,
      baseUrl: at.baseUrl,
      mcpUrl: at.mcpUrl,
      cognitoEndpoint: at.cognitoUrl,
      dynamoDbEndpoint: at.dynamoDbUrl,
      secretsManagerEndpoint: at.secretsUrl,
      userPoolId: LOCAL_USER_POOL_ID,
      dataDir: settings.dataDir,
      demoUser: { username: DEMO_USER.username, password: DEMO_USER.password, sub: demo.sub },
      operatorClientId,
      appsClientId,
    };
    writeFileSync(stackInfoFile(settings), `${JSON.stringify(info, null, 2)}\n`);
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Promise.all that waits for every promise before it rejects with the first failure. */
async function allStarted<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
