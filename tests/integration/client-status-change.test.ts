import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type ClientStatus, clientStatusChange } from '../../lib/client-record.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';

/**
 * lib/client-record.ts clientStatusChange as DynamoDB Local evaluates it, on rows of this file's
 * own (random keys in the stack's clients table): which rows a change moves and which it leaves.
 */
describe('clientStatusChange against DynamoDB Local', () => {
  const stack = inject('stack');
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  const TableName = 'secure-mcp-local-clients';
  const written: string[] = [];
  afterAll(async () => {
    await Promise.all(written.map((clientId) => documents.send(new DeleteCommand({ TableName, Key: { clientId } }))));
    dynamodb.destroy();
  });

  /** A row with this status (none: a row from before statuses), or no row at all. */
  async function row(status: ClientStatus | 'none' | 'absent'): Promise<string> {
    const clientId = `status-change-${randomUUID()}`;
    written.push(clientId);
    if (status === 'absent') return clientId;
    await documents.send(new PutCommand({ TableName, Item: { clientId, clientName: 'status change', ...(status === 'none' ? {} : { status }) } }));
    return clientId;
  }
  async function apply(clientId: string, from: ClientStatus, to: ClientStatus): Promise<string | undefined> {
    try {
      await documents.send(new UpdateCommand({ TableName, Key: { clientId }, ...clientStatusChange({ from, to }) }));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return 'refused';
      throw error;
    }
    return (await documents.send(new GetCommand({ TableName, Key: { clientId }, ConsistentRead: true }))).Item?.status as string | undefined;
  }

  it('from active: moves an active row and a row without status, refuses a revoked, a deleted and an absent row', async () => {
    const outcomes = await Promise.all((['active', 'none', 'revoked', 'deleted', 'absent'] as const).map(async (status) => [status, await apply(await row(status), 'active', 'revoked')]));
    expect(Object.fromEntries(outcomes)).toEqual({ active: 'revoked', none: 'revoked', revoked: 'refused', deleted: 'refused', absent: 'refused' });
  });

  it('from revoked: moves only a revoked row (a row without status is active, not revoked)', async () => {
    const outcomes = await Promise.all((['revoked', 'active', 'none', 'deleted', 'absent'] as const).map(async (status) => [status, await apply(await row(status), 'revoked', 'active')]));
    expect(Object.fromEntries(outcomes)).toEqual({ revoked: 'active', active: 'refused', none: 'refused', deleted: 'refused', absent: 'refused' });
  });

  it('writes the other attributes it is given in the same update', async () => {
    const clientId = await row('active');
    await documents.send(new UpdateCommand({ TableName, Key: { clientId }, UpdateExpression: 'SET fingerprint = :f', ExpressionAttributeValues: { ':f': 'abc' } }));
    await documents.send(new UpdateCommand({ TableName, Key: { clientId }, ...clientStatusChange({ from: 'active', to: 'deleted', set: { deletedAt: 42 }, remove: ['fingerprint'] }) }));
    const { Item } = await documents.send(new GetCommand({ TableName, Key: { clientId }, ConsistentRead: true }));
    expect(Item).toEqual({ clientId, clientName: 'status change', status: 'deleted', deletedAt: 42 });
  });
});
