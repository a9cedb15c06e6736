import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RevocationRecord } from '../lib/revocations.js';
import { type ApiKeyRecord, type AuthorizationStore, CLIENT_TOUCH_INTERVAL_SECONDS, type ClientRecord } from './authorization-store.js';
import { Denial } from './denial.js';

export interface DynamoDbStoreOptions {
  revocationsTable: string;
  clientsTable: string;
  apiKeysTable: string;
  /** Every read is aborted after this long: the decision is then a denial (fail closed). */
  timeoutMs: number;
}


/**
 * The authorizer's DynamoDB reads. Eventually consistent reads: a revocation written by the admin
 * CLI is visible within about a second, well inside the authorizer cache TTL that bounds it anyway.
 */
export function dynamoDbAuthorizationStore(documents: DynamoDBDocumentClient, options: DynamoDbStoreOptions): AuthorizationStore {
  const read = async <Output>(what: string, call: (abortSignal: AbortSignal) => Promise<Output>): Promise<Output> => {
    try {
      return await call(AbortSignal.timeout(options.timeoutMs));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown';
      throw new Denial('dependency_failure', `DynamoDB ${what} failed: ${name}`);
    }
  };
  return {
    async tokenRecords(revocationKeys, clientId) {
      const keys = [...new Set(revocationKeys)].map((pk) => ({ pk }));
      const result = await read('BatchGetItem', (abortSignal) =>
        documents.send(
        new BatchGetCommand({
          RequestItems: {
            [options.revocationsTable]: { Keys: keys },
            [options.clientsTable]: {
              Keys: [{ clientId }],
              ProjectionExpression: 'clientId, #status, lastUsedAt, #source',
              ExpressionAttributeNames: { '#status': 'status', '#source': 'source' },
            },
          },
        }),
          { abortSignal },
        ),
      );
      // Unprocessed keys mean throttling: a missing revocation row must not read as "not revoked".
      if (result.UnprocessedKeys && Object.keys(result.UnprocessedKeys).length > 0) {
        throw new Denial('dependency_failure', 'DynamoDB BatchGetItem left keys unprocessed (throttled)');
      }
      const revocations = (result.Responses?.[options.revocationsTable] ?? []) as unknown as RevocationRecord[];
      const client = result.Responses?.[options.clientsTable]?.[0] as ClientRecord | undefined;
      return { revocations, client };
    },
    async apiKey(keyHash) {
      const result = await read('GetItem', (abortSignal) =>
        documents.send(new GetCommand({ TableName: options.apiKeysTable, Key: { keyHash } }), { abortSignal }),
      );
      return result.Item as ApiKeyRecord | undefined;
    },
    async touchClient(clientId, nowSeconds) {
      await documents
        .send(
          new UpdateCommand({
            TableName: options.clientsTable,
            Key: { clientId },
            UpdateExpression: 'SET lastUsedAt = :now',
            // Never create a row (a deleted client stays deleted), and skip rows touched recently.
            ConditionExpression: 'attribute_exists(clientId) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
            ExpressionAttributeValues: { ':now': nowSeconds, ':stale': nowSeconds - CLIENT_TOUCH_INTERVAL_SECONDS },
          }),
          { abortSignal: AbortSignal.timeout(options.timeoutMs) },
        )
        .catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        });
    },
  };
}
