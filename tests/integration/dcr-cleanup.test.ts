import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAdmin } from '../../admin/cli.js';
import { resolveCimdClient } from '../../dcr/cimd/cimd-clients.js';
import { dynamoDbCimdRegistry } from '../../dcr/cimd/cimd-registry.js';
import { dynamoDbCimdRetirement } from '../../dcr/cimd/cimd-retirement.js';
import { cleanUpClients } from '../../dcr/cleanup.js';
import { type ClientRegistry, dynamoDbClientRegistry } from '../../dcr/client-registry.js';
import type { ClientItem, DynamicClientRecord } from '../../lib/client-record.js';
import { parseClientMetadata } from '../../dcr/client-metadata.js';
import { cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { deleteRegistration } from '../../dcr/manage/delete.js';
import { registerClient } from '../../dcr/register/index.js';
import type { RegistrationPolicy } from '../../dcr/register/policy.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { localJsonCognito, localJsonDocuments } from '../support/json-adapters.js';
import { copyTableDefinition } from '../support/scratch-tables.js';

/**
 * The daily clean-up against DynamoDB Local and cognito-local, on a user pool and tables of its
 * own: it scans whole tables and lists the whole pool, so sharing the stack's would race with
 * other test files. The tables are named as a stage `cleanuptest` would name them, so that the
 * operator CLI (`npm run admin -- … --stage cleanuptest`) works on the same rows.
 */
const STAGE = 'cleanuptest';
const TABLES = { clients: `secure-mcp-${STAGE}-clients`, revocations: `secure-mcp-${STAGE}-revocations` };
const SETTINGS = { callbackUrl: 'http://localhost:3100/oauth/callback', identityProviders: ['COGNITO'], accessTokenMinutes: 60, refreshTokenDays: 30, refreshTokenRotation: false, rotationGraceSeconds: 0 };
const DAY = 86_400;
const UNUSED_DAYS = 90;

describe('the daily clean-up touches only dynamic clients and finishes only started deletions', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  // The registry and app clients as deployed (JSON APIs); the test's own reads and writes use the SDK.
  const registry = dynamoDbClientRegistry(TABLES.clients, localJsonDocuments(stack.dynamoDbEndpoint));
  let userPoolId: string;
  let appClients: ReturnType<typeof cognitoAppClients>;
  let policy: RegistrationPolicy;
  let port = 44000;

  /** The operator CLI, in process, on this file's tables and pool. */
  async function admin(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin([...args, '--stage', STAGE, '--user-pool-id', userPoolId], (line) => out.push(line), (line) => err.push(line));
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const cleanUp = () => cleanUpClients({ registry, appClients }, { unusedDays: UNUSED_DAYS });
  const appClientExists = async (clientId: string) => (await appClients.createdAt(clientId)) !== undefined;
  const register = async (daysAgo = 0) => {
    const at = new Date(Date.now() - daysAgo * DAY * 1000);
    const metadata = parseClientMetadata({ client_name: `cleanup ${port}`, redirect_uris: [`http://localhost:${port++}/cb`] });
    const { body } = await registerClient(metadata, { ...policy, now: () => at }, { appClients, registry });
    return body.client_id as string;
  };
  const age = (clientId: string, daysAgo: number) =>
    documents.send(
      new UpdateCommand({
        TableName: TABLES.clients,
        Key: { clientId },
        UpdateExpression: 'SET createdAt = :then REMOVE lastUsedAt',
        ExpressionAttributeValues: { ':then': Math.floor(Date.now() / 1000) - daysAgo * DAY },
      }),
    );

  beforeAll(async () => {
    // The CLI finds DynamoDB and Cognito the usual AWS SDK way: here, the emulators.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.cognitoEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: `cleanup-${Date.now()}` }));
    userPoolId = pool.UserPool!.Id!;
    appClients = cognitoAppClients(userPoolId, SETTINGS, localJsonCognito(stack.cognitoEndpoint));
    await copyTableDefinition(dynamodb, 'secure-mcp-local-clients', TABLES.clients);
    await copyTableDefinition(dynamodb, 'secure-mcp-local-revocations', TABLES.revocations);
    policy = { resourceServerId: stack.mcpUrl, allowedScopes: [`${stack.mcpUrl}/read`], publicBaseUrl: stack.baseUrl };
  });
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });

  it('deletes an idle dynamic client, from Cognito and the registry', async () => {
    const idle = await register(UNUSED_DAYS + 10);
    const fresh = await register();
    expect(await registry.get(idle)).toMatchObject({ source: 'dcr', status: 'active' });
    const report = await cleanUp();
    expect(report.unused).toContain(idle);
    expect(report.unused).not.toContain(fresh);
    expect(await registry.get(idle)).toBeUndefined();
    expect(await appClientExists(idle)).toBe(false);
    expect(await registry.get(fresh)).toMatchObject({ status: 'active' });
    expect(await appClientExists(fresh)).toBe(true);
  });

  it('removes dynamic clients never used within neverUsedHours, and keeps a used one of the same age', async () => {
    const never = await register();
    const used = await register();
    const recent = await register();
    for (const id of [never, used]) await age(id, 25 / 24);
    await documents.send(new UpdateCommand({ TableName: TABLES.clients, Key: { clientId: used }, UpdateExpression: 'SET lastUsedAt = :t', ExpressionAttributeValues: { ':t': Math.floor(Date.now() / 1000) - 3600 } }));
    const report = await cleanUpClients({ registry, appClients }, { unusedDays: UNUSED_DAYS, neverUsedHours: 24 });
    expect(report.neverUsed).toContain(never);
    expect(report.unused).toContain(never);
    expect(report.unused).not.toContain(used);
    expect(report.unused).not.toContain(recent);
    expect(await registry.get(never)).toBeUndefined();
    expect(await appClientExists(never)).toBe(false);
    expect(await appClientExists(used)).toBe(true);
    expect(await appClientExists(recent)).toBe(true);
  });

  it('keeps an idle operator-registered client and its Cognito app client', async () => {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'operator tool', CallbackURLs: ['https://ops.example.com/cb'] }),
    );
    const clientId = created.UserPoolClient!.ClientId!;
    expect(await admin('client', 'register', clientId)).toMatchObject({ code: 0 });
    await age(clientId, UNUSED_DAYS * 4);
    const report = await cleanUp();
    expect(report.unused).not.toContain(clientId);
    expect(report.finished).not.toContain(clientId);
    expect(await registry.get(clientId)).toMatchObject({ source: 'manual', status: 'active' });
    const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    expect(described.UserPoolClient?.ClientName).toBe('operator tool');
  });

  it('keeps a revoked client, so that `undo client` still restores it', async () => {
    const clientId = await register();
    expect(await admin('revoke', 'client', clientId)).toMatchObject({ code: 0 });
    expect(await registry.get(clientId)).toMatchObject({ status: 'revoked' });
    // Revoked and idle: still the operator's to decide, not the clean-up's.
    await age(clientId, UNUSED_DAYS * 2);
    const report = await cleanUp();
    expect(report.finished).not.toContain(clientId);
    expect(report.unused).not.toContain(clientId);
    expect(await appClientExists(clientId)).toBe(true);
    const undone = await admin('undo', 'client', clientId);
    expect(undone).toMatchObject({ code: 0, out: expect.stringContaining('marked active again') });
    expect(await registry.get(clientId)).toMatchObject({ status: 'active' });
    const row = await documents.send(new GetCommand({ TableName: TABLES.revocations, Key: { pk: `client#${clientId}` } }));
    expect(row.Item).toBeUndefined();
  });

  it('finishes a deletion that was started and interrupted (Cognito failed half way)', async () => {
    const clientId = await register();
    const record = (await registry.get(clientId)) as DynamicClientRecord;
    const failingCognito = { ...appClients, deleteClient: async () => Promise.reject(new Error('injected Cognito failure')) };
    expect(await deleteRegistration(record, { appClients: failingCognito, registry })).toEqual({ completed: false });
    expect(await registry.get(clientId)).toMatchObject({ status: 'deleted' });
    expect(await appClientExists(clientId)).toBe(true);
    const report = await cleanUp();
    expect(report.finished).toContain(clientId);
    expect(await appClientExists(clientId)).toBe(false);
    expect(await registry.get(clientId)).toBeUndefined();
  });

  it('treats a row without a source as dynamic only when it carries DCR\'s registration token hash', async () => {
    // Rows written before `source` existed: DCR always stored registrationTokenHash, nothing else did.
    const legacyDynamic = await register(UNUSED_DAYS + 5);
    await documents.send(new UpdateCommand({ TableName: TABLES.clients, Key: { clientId: legacyDynamic }, UpdateExpression: 'REMOVE #source', ExpressionAttributeNames: { '#source': 'source' } }));
    const created = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'hand-registered' }));
    const handMade = created.UserPoolClient!.ClientId!;
    const longAgo = Math.floor(Date.now() / 1000) - UNUSED_DAYS * 3 * DAY;
    await documents.send(new PutCommand({ TableName: TABLES.clients, Item: { clientId: handMade, status: 'active', createdAt: longAgo } }));
    const report = await cleanUp();
    expect(report.unused).toContain(legacyDynamic);
    expect(await registry.get(legacyDynamic)).toBeUndefined();
    expect(report.unused).not.toContain(handMade);
    expect(await registry.get(handMade)).toMatchObject({ status: 'active' });
    expect(await appClientExists(handMade)).toBe(true);
    await documents.send(new DeleteCommand({ TableName: TABLES.clients, Key: { clientId: handMade } }));
  });

  it('does not delete a client that was used after the scan read it as idle', async () => {
    const clientId = await register(UNUSED_DAYS + 5);
    const stale = (await registry.get(clientId))!;
    // The authorizer refreshes lastUsedAt between the scan and the deletion.
    await documents.send(
      new UpdateCommand({ TableName: TABLES.clients, Key: { clientId }, UpdateExpression: 'SET lastUsedAt = :now', ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) } }),
    );
    const scannedEarlier: ClientRegistry = {
      ...registry,
      async *all(): AsyncIterable<ClientItem> {
        yield stale;
      },
    };
    const report = await cleanUpClients({ registry: scannedEarlier, appClients }, { unusedDays: UNUSED_DAYS });
    expect(report.unused).not.toContain(clientId);
    expect(await registry.get(clientId)).toMatchObject({ status: 'active' });
    expect(await appClientExists(clientId)).toBe(true);
  });

  describe('CIMD app clients (one per document URL, with an alias row) follow the same rules', () => {
    const cimdRegistry = dynamoDbCimdRegistry(TABLES.clients, localJsonDocuments(stack.dynamoDbEndpoint));
    const cimd = dynamoDbCimdRetirement(TABLES.clients, localJsonDocuments(stack.dynamoDbEndpoint));
    let documentNumber = 0;
    const cleanUpAll = (overrides: Partial<Parameters<typeof cleanUpClients>[0]> = {}) =>
      cleanUpClients({ registry, appClients, cimd, ...overrides }, { unusedDays: UNUSED_DAYS, neverUsedHours: 24 });
    const alias = async (url: string) => (await documents.send(new GetCommand({ TableName: TABLES.clients, Key: { clientId: url } }))).Item;
    /**
     * A first use of a document URL through the facade's own code (resolveCimdClient: rows and app
     * client as /authorize makes them). Only the document fetch is injected: the safe fetch has its
     * own corpus, and this file's pool and tables are not the stack's (tests/integration/cimd-cleanup.test.ts
     * runs the whole path through /authorize).
     */
    const firstUse = async (url = `https://app${documentNumber++}.example.com/client.json`) => {
      const body = Buffer.from(JSON.stringify({ client_id: url, client_name: 'CIMD clean-up', redirect_uris: ['http://127.0.0.1/cb'] }));
      const resolved = await resolveCimdClient(
        url,
        {
          hosts: { allowedHosts: [], deniedHosts: [] },
          metadata: {},
          resourceServerId: policy.resourceServerId,
          allowedScopes: policy.allowedScopes,
          cache: { minSeconds: 300, maxSeconds: DAY },
          callbackUrl: SETTINGS.callbackUrl,
        },
        { registry: cimdRegistry, countActiveAppClients: () => registry.countActiveAppClients(), appClients, fetchDocument: async () => ({ body }) },
      );
      return { url, appClientId: resolved.aliasOf };
    };
    const setLastUsed = (clientId: string, secondsAgo: number) =>
      documents.send(new UpdateCommand({ TableName: TABLES.clients, Key: { clientId }, UpdateExpression: 'SET lastUsedAt = :t', ExpressionAttributeValues: { ':t': Math.floor(Date.now() / 1000) - secondsAgo } }));

    it('removes a CIMD client never used within neverUsedHours: app client, row and alias; keeps a used one and a recent one', async () => {
      const never = await firstUse();
      const used = await firstUse();
      const recent = await firstUse();
      for (const { appClientId } of [never, used]) await age(appClientId, 25 / 24);
      await setLastUsed(used.appClientId, 3600);
      const report = await cleanUpAll();
      expect(report.neverUsed).toContain(never.appClientId);
      expect(await appClientExists(never.appClientId)).toBe(false);
      expect(await registry.get(never.appClientId)).toBeUndefined();
      expect(await alias(never.url)).toBeUndefined();
      for (const kept of [used, recent]) {
        expect(report.unused).not.toContain(kept.appClientId);
        expect(await appClientExists(kept.appClientId)).toBe(true);
        expect(await registry.get(kept.appClientId)).toMatchObject({ source: 'cimd', status: 'active' });
        expect(await alias(kept.url)).toMatchObject({ kind: 'cimd', aliasOf: kept.appClientId });
      }
    });

    it('removes a used CIMD client idle for unusedDays, and a later first use of its URL registers a new app client', async () => {
      const idle = await firstUse();
      await age(idle.appClientId, UNUSED_DAYS + 10);
      await setLastUsed(idle.appClientId, (UNUSED_DAYS + 1) * DAY);
      const report = await cleanUpAll();
      expect(report.unused).toContain(idle.appClientId);
      expect(report.neverUsed).not.toContain(idle.appClientId);
      expect(await appClientExists(idle.appClientId)).toBe(false);
      expect(await alias(idle.url)).toBeUndefined();
      const again = await firstUse(idle.url);
      expect(again.appClientId).not.toBe(idle.appClientId);
      expect(await appClientExists(again.appClientId)).toBe(true);
      expect(await alias(idle.url)).toMatchObject({ aliasOf: again.appClientId });
    });

    it('a run stopped after the first step leaves no alias to a refused app client; the URL registers again and the next run finishes', async () => {
      const stopped = await firstUse();
      await age(stopped.appClientId, 25 / 24);
      const failingCognito = { ...appClients, deleteClient: async () => Promise.reject(new Error('injected Cognito failure')) };
      const first = await cleanUpAll({ appClients: failingCognito });
      expect(first.failed.map((f) => f.clientId)).toContain(stopped.appClientId);
      // Step 1 happened as one transaction: row deleted (the authorizer refuses its tokens) and alias gone.
      expect(await registry.get(stopped.appClientId)).toMatchObject({ status: 'deleted' });
      expect(await alias(stopped.url)).toBeUndefined();
      expect(await appClientExists(stopped.appClientId)).toBe(true);
      const again = await firstUse(stopped.url);
      expect(again.appClientId).not.toBe(stopped.appClientId);
      const second = await cleanUpAll();
      expect(second.finished).toContain(stopped.appClientId);
      expect(await appClientExists(stopped.appClientId)).toBe(false);
      expect(await registry.get(stopped.appClientId)).toBeUndefined();
      // Finishing the old client leaves the URL's new registration alone.
      expect(await alias(stopped.url)).toMatchObject({ aliasOf: again.appClientId });
      expect(await appClientExists(again.appClientId)).toBe(true);
    });

    it('keeps a CIMD client used after the scan read it as idle, alias included', async () => {
      const raced = await firstUse();
      await age(raced.appClientId, 25 / 24);
      const stale = (await registry.get(raced.appClientId))!;
      await setLastUsed(raced.appClientId, 0);
      const scannedEarlier: ClientRegistry = {
        ...registry,
        async *all(): AsyncIterable<ClientItem> {
          yield stale;
        },
      };
      const report = await cleanUpAll({ registry: scannedEarlier });
      expect(report.unused).not.toContain(raced.appClientId);
      expect(report.failed).toEqual([]);
      expect(await registry.get(raced.appClientId)).toMatchObject({ status: 'active' });
      expect(await alias(raced.url)).toMatchObject({ aliasOf: raced.appClientId });
      expect(await appClientExists(raced.appClientId)).toBe(true);
    });

    it('deletes an alias whose app client row is gone, and does not count aliases as clients', async () => {
      const dangling = await firstUse();
      await documents.send(new DeleteCommand({ TableName: TABLES.clients, Key: { clientId: dangling.appClientId } }));
      // Every kind of row, so that the clean-up's count and registration's cannot count by different rules:
      // a CIMD client with its alias, an operator's client, a row written by hand, a revoked DCR client.
      const live = await firstUse();
      const operator = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'operator count', CallbackURLs: ['https://ops.example.com/cb'] }))).UserPoolClient!.ClientId!;
      expect(await admin('client', 'register', operator)).toMatchObject({ code: 0 });
      const handMade = `hand-written-${documentNumber++}`;
      await documents.send(new PutCommand({ TableName: TABLES.clients, Item: { clientId: handMade, status: 'active', createdAt: Math.floor(Date.now() / 1000) } }));
      const revoked = await register();
      expect(await admin('revoke', 'client', revoked)).toMatchObject({ code: 0 });

      const report = await cleanUpAll();
      expect(report.danglingAliases).toContain(dangling.url);
      expect(await alias(dangling.url)).toBeUndefined();
      expect(await alias(live.url)).toMatchObject({ kind: 'cimd', status: 'active', aliasOf: live.appClientId });
      expect(await registry.get(live.appClientId)).toMatchObject({ source: 'cimd', status: 'active' });
      expect(await registry.get(operator)).toMatchObject({ source: 'manual', status: 'active' });
      expect(await registry.get(handMade)).toMatchObject({ status: 'active' });
      expect(await registry.get(revoked)).toMatchObject({ status: 'revoked' });
      expect(report.activeAppClients).toBe(await registry.countActiveAppClients());
      await documents.send(new DeleteCommand({ TableName: TABLES.clients, Key: { clientId: handMade } }));
    });

    it('without the CIMD dependency the clean-up leaves CIMD clients alone', async () => {
      const kept = await firstUse();
      await age(kept.appClientId, 25 / 24);
      const report = await cleanUpClients({ registry, appClients }, { unusedDays: UNUSED_DAYS, neverUsedHours: 24 });
      expect(report.unused).not.toContain(kept.appClientId);
      expect(await alias(kept.url)).toMatchObject({ aliasOf: kept.appClientId });
      await cleanUpAll();
    });
  });
});
