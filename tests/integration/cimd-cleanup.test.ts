import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dynamoDbCimdRetirement } from '../../dcr/cimd/cimd-retirement.js';
import { cleanUpClients } from '../../dcr/cleanup.js';
import { type ClientRegistry, dynamoDbClientRegistry } from '../../dcr/client-registry.js';
import type { ClientItem } from '../../lib/client-record.js';
import { cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { authorizationCodeFlow, jwtClaims } from '../support/authorization-code.js';
import { initializeRequest, mcpPost } from '../support/demo-login.js';
import { localJsonCognito, localJsonDocuments } from '../support/json-adapters.js';

/**
 * A CIMD client removed by the clean-up, then the same document URL used again through the local
 * stack's /authorize: it registers anew (a new app client) and its tokens work, while the old
 * client's are refused. The clean-up runs on the stack's own table and pool (that is what the
 * facade reads), with its scan narrowed to this test's two rows: other test files share the table
 * and age rows of their own for their own clean-up runs, which this run must not take from them.
 */
const CLIENTS_TABLE = 'secure-mcp-local-clients';

describe('a cleaned-up CIMD client registers again at its next /authorize', () => {
  const stack = inject('stack');
  const cimd = inject('cimd');
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  const registry = dynamoDbClientRegistry(CLIENTS_TABLE, localJsonDocuments(stack.dynamoDbEndpoint));
  const appClients = cognitoAppClients(stack.userPoolId, { callbackUrl: `${stack.baseUrl}/oauth/callback`, identityProviders: ['COGNITO'], accessTokenMinutes: 60, refreshTokenDays: 30, refreshTokenRotation: false, rotationGraceSeconds: 0 }, localJsonCognito(stack.cognitoEndpoint));
  afterAll(() => {
    dynamodb.destroy();
  });
  const aliasOf = async (url: string) =>
    (await documents.send(new GetCommand({ TableName: CLIENTS_TABLE, Key: { clientId: url }, ConsistentRead: true }))).Item?.aliasOf as string | undefined;
  const only = (ids: () => string[]): ClientRegistry => ({
    ...registry,
    async *all(): AsyncIterable<ClientItem> {
      for await (const row of registry.all()) if (ids().includes(row.clientId)) yield row;
    },
  });

  it('never used for 25 hours: removed (app client, row, alias); the URL then signs in again with a new app client', async () => {
    const name = `cleanup-${crypto.randomUUID().slice(0, 8)}`;
    const url = `${cimd.origin}/${name}.json`;
    writeFileSync(join(cimd.dir, `${name}.json`), JSON.stringify({ client_id: url, client_name: 'CIMD clean-up', redirect_uris: ['http://127.0.0.1/cb'] }));

    const first = await authorizationCodeFlow(stack, { clientId: url, redirectUri: 'http://127.0.0.1:45690/cb' });
    const oldAppClient = (await aliasOf(url))!;
    expect(jwtClaims(first.access_token).client_id).toBe(oldAppClient);
    // Registered 25 hours ago and no token of it ever reached /mcp.
    await documents.send(new UpdateCommand({
      TableName: CLIENTS_TABLE, Key: { clientId: oldAppClient }, UpdateExpression: 'SET createdAt = :then REMOVE lastUsedAt',
      ExpressionAttributeValues: { ':then': Math.floor(Date.now() / 1000) - 25 * 3600 },
    }));
    const report = await cleanUpClients(
      { registry: only(() => [url, oldAppClient]), appClients, cimd: dynamoDbCimdRetirement(CLIENTS_TABLE, localJsonDocuments(stack.dynamoDbEndpoint)) },
      { unusedDays: 90, neverUsedHours: 24 },
    );
    expect(report.neverUsed).toEqual([oldAppClient]);
    expect(report.failed).toEqual([]);
    expect(await aliasOf(url)).toBeUndefined();
    expect(await registry.get(oldAppClient)).toBeUndefined();
    expect(await appClients.createdAt(oldAppClient)).toBeUndefined();
    expect((await mcpPost(stack, initializeRequest, { token: first.access_token })).status).toBe(401);

    const second = await authorizationCodeFlow(stack, { clientId: url, redirectUri: 'http://127.0.0.1:45691/cb' });
    const newAppClient = await aliasOf(url);
    expect(newAppClient).toBeDefined();
    expect(newAppClient).not.toBe(oldAppClient);
    expect(await appClients.createdAt(newAppClient!)).toBeInstanceOf(Date);
    expect(await registry.get(newAppClient!)).toMatchObject({ source: 'cimd', cimdUrl: url, status: 'active' });
    expect(jwtClaims(second.access_token).client_id).toBe(newAppClient);
    expect((await mcpPost(stack, initializeRequest, { token: second.access_token })).status).toBe(200);
  });
});
