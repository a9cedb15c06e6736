import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { listAppClients } from '../support/cognito-app-clients.js';

/**
 * Client ids that are not Cognito client ids never reach DynamoDB or Cognito: the RFC 7592
 * configuration endpoint answers them as it answers any unknown client (RFC 7592 §2: 401
 * invalid_token), over HTTP through the real gateway, function, DynamoDB Local and cognito-local.
 * A 2,100-byte id used to reach GetItem and come back as a 500 (DynamoDB's 2,048-byte key limit).
 */
const CLIENTS_TABLE = 'secure-mcp-local-clients';

const hostileIds: Array<[name: string, id: string]> = [
  ['2,100 bytes (over DynamoDB key size)', 'a'.repeat(2100)],
  ['129 characters (over Cognito\'s 128)', 'a'.repeat(129)],
  ['2,100 bytes of multi-byte characters', 'é'.repeat(1050)],
  ['a percent-encoded slash', 'abc%2Fdef'],
  ['a dot', 'abc.def'],
  ['punctuation outside [\\w+]', 'abc-def'],
  ['a NUL', 'abc%00'],
];

describe('RFC 7592 configuration endpoint: client ids outside Cognito\'s pattern', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });

  const call = (id: string, method: string) =>
    fetch(`${stack.baseUrl}/register/${encodeURIComponent(id).replaceAll('%25', '%')}`, {
      method,
      headers: { Authorization: `Bearer ${'A'.repeat(43)}`, 'Content-Type': 'application/json' },
      body: method === 'PUT' ? JSON.stringify({ client_id: id, redirect_uris: ['https://app.example.com/cb'] }) : undefined,
    });

  for (const method of ['GET', 'PUT', 'DELETE']) {
    it.each(hostileIds)(`${method} with an id of %s: 401 invalid_token`, async (_name, id) => {
      const response = await call(id, method);
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
      // RFC 6750 §3; API Gateway (and a local gateway as strict) delivers a Lambda's challenge renamed.
      const challenge = response.headers.get('www-authenticate') ?? response.headers.get('x-amzn-remapped-www-authenticate');
      expect(challenge).toBe('Bearer error="invalid_token"');
      expect(await response.json()).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
    });
  }

  it('answers an id of exactly 128 characters like any unknown client', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await call('b'.repeat(128), method);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('left no registry row keyed by any of these ids, and Cognito holds only ids of its own pattern', async () => {
    const rows = await dynamodb.send(new ScanCommand({ TableName: CLIENTS_TABLE, ProjectionExpression: 'clientId' }));
    const ids = (rows.Items ?? []).map((item) => item.clientId?.S ?? '');
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => hostileIds.some(([, hostile]) => id === hostile) || /^b{128}$/.test(id))).toEqual([]);
    const clients = (await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientId ?? '');
    expect(clients.filter((id) => !/^[\w+]{1,128}$/.test(id))).toEqual([]);
  });
});
