import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDbJsonApi } from '../lib/dynamodb/json-api.js';
import type { RevocationRecord } from '../lib/revocations.js';
import { AUTHORIZER_CLIENT_ATTRIBUTES, MalformedClientRecordError, parseAuthorizerClientView } from '../lib/client-record.js';
import { type ApiKeyRecord, type AuthorizationStore, CLIENT_TOUCH_INTERVAL_SECONDS } from './authorization-store.js';
import { DEFAULT_TOUCH_TIMEOUT_MS } from './config.js';
import { Denial } from './denial.js';

export interface DynamoDbStoreOptions {
  revocationsTable: string;
  clientsTable: string;
  apiKeysTable: string;
  /** Every read is aborted after this long: the decision is then a denial (fail closed). */
  timeoutMs: number;
  /** The `lastUsedAt` write is aborted after this long (DEFAULT_TOUCH_TIMEOUT_MS when absent). */
  touchTimeoutMs?: number;
}

type AttributeMap = Record<string, unknown>;
interface BatchGetOutput {
  Responses?: Record<string, AttributeMap[]>;
  UnprocessedKeys?: Record<string, unknown>;
}

const item = <Row>(attributes: AttributeMap) => unmarshall(attributes as Parameters<typeof unmarshall>[0]) as Row;

// Every attribute by a placeholder name (some, like status, are DynamoDB reserved words).
const CLIENT_PROJECTION = AUTHORIZER_CLIENT_ATTRIBUTES.map((name) => `#${name}`).join(', ');
const CLIENT_PROJECTION_NAMES = Object.fromEntries(AUTHORIZER_CLIENT_ATTRIBUTES.map((name) => [`#${name}`, name]));

/** A client row the parse refuses is a denial, like a missing one (fail closed). */
function clientView(row: AttributeMap) {
  try {
    return parseAuthorizerClientView(row);
  } catch (error) {
    if (error instanceof MalformedClientRecordError) throw new Denial('unknown_client', error.message.slice(0, 200));
    throw error;
  }
}

/**
 * The authorizer's DynamoDB reads, over DynamoDB's JSON API (lib/dynamodb/json-api.ts) rather than
 * the AWS SDK client, which would triple the authorizer's cold start. Eventually consistent reads:
 * a revocation written by the admin CLI is visible within about a second, well inside the
 * authorizer cache TTL that bounds it anyway.
 */
export function dynamoDbAuthorizationStore(dynamoDb: DynamoDbJsonApi, options: DynamoDbStoreOptions): AuthorizationStore {
  const read = async <Output>(what: string, call: (abortSignal: AbortSignal) => Promise<Output>): Promise<Output> => {
    try {
      return await call(AbortSignal.timeout(options.timeoutMs));
    } catch (error) {
      if (error instanceof Denial) throw error;
      const name = error instanceof Error ? error.name : 'unknown';
      throw new Denial('dependency_failure', `DynamoDB ${what} failed: ${name}`);
    }
  };
  return {
    async tokenRecords(revocationKeys, clientId) {
      const keys = [...new Set(revocationKeys)].map((pk) => marshall({ pk }));
      return read('BatchGetItem', async (abortSignal) => {
        const result = await dynamoDb<BatchGetOutput>(
          'BatchGetItem',
          {
            RequestItems: {
              [options.revocationsTable]: { Keys: keys },
              [options.clientsTable]: {
                Keys: [marshall({ clientId })],
                ProjectionExpression: CLIENT_PROJECTION,
                ExpressionAttributeNames: CLIENT_PROJECTION_NAMES,
              },
            },
          },
          abortSignal,
        );
        // Unprocessed keys mean throttling: a missing revocation row must not read as "not revoked".
        if (result.UnprocessedKeys && Object.keys(result.UnprocessedKeys).length > 0) {
          throw new Denial('dependency_failure', 'DynamoDB BatchGetItem left keys unprocessed (throttled)');
        }
        const revocations = (result.Responses?.[options.revocationsTable] ?? []).map((row) => item<RevocationRecord>(row));
        const clientRow = result.Responses?.[options.clientsTable]?.[0];
        const client = clientRow ? clientView(item<AttributeMap>(clientRow)) : undefined;
        return { revocations, client };
      });
    },
    async apiKey(keyHash) {
      return read('GetItem', async (abortSignal) => {
        const result = await dynamoDb<{ Item?: AttributeMap }>(
          'GetItem',
          { TableName: options.apiKeysTable, Key: marshall({ keyHash }) },
          abortSignal,
        );
        return result.Item ? item<ApiKeyRecord>(result.Item) : undefined;
      });
    },
    async touchClient(clientId, nowSeconds) {
      await dynamoDb(
        'UpdateItem',
        {
          TableName: options.clientsTable,
          Key: marshall({ clientId }),
          UpdateExpression: 'SET lastUsedAt = :now',
          // Never create a row (a deleted client stays deleted), and skip rows touched recently.
          ConditionExpression: 'attribute_exists(clientId) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
          ExpressionAttributeValues: marshall({ ':now': nowSeconds, ':stale': nowSeconds - CLIENT_TOUCH_INTERVAL_SECONDS }),
        },
        AbortSignal.timeout(options.touchTimeoutMs ?? DEFAULT_TOUCH_TIMEOUT_MS),
      ).catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
    },
  };
}
