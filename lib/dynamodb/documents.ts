import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDbJsonApi } from './json-api.js';

/**
 * The few DynamoDB calls the stores make, in document form (plain values, not `{ S: 'x' }`).
 * Two implementations: over the JSON API (jsonApiDocuments, here: what the MCP function uses, so
 * that its bundle carries no AWS SDK client) and over the SDK's document client
 * (lib/dynamodb/sdk-documents.ts, for the functions that keep the SDK). Errors keep DynamoDB's
 * names either way (ConditionalCheckFailedException, ...), which is all the stores look at.
 */
type Item = Record<string, unknown>;

interface Base {
  TableName: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
export interface GetInput extends Omit<Base, 'ExpressionAttributeValues'> {
  Key: Item;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
}
export interface PutInput extends Base {
  Item: Item;
  ConditionExpression?: string;
}
export interface UpdateInput extends Base {
  Key: Item;
  UpdateExpression: string;
  ConditionExpression?: string;
  ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
}
export interface DeleteInput extends Base {
  Key: Item;
  ConditionExpression?: string;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
export interface QueryInput extends Base {
  KeyConditionExpression: string;
  FilterExpression?: string;
  Limit?: number;
  ExclusiveStartKey?: Item | undefined;
}
export interface ScanInput extends Base {
  ExclusiveStartKey?: Item | undefined;
}
export interface Page {
  Items?: Item[];
  LastEvaluatedKey?: Item;
}

export interface Documents {
  get(input: GetInput): Promise<{ Item?: Item }>;
  put(input: PutInput): Promise<unknown>;
  update(input: UpdateInput): Promise<{ Attributes?: Item }>;
  delete(input: DeleteInput): Promise<{ Attributes?: Item }>;
  query(input: QueryInput): Promise<Page>;
  scan(input: ScanInput): Promise<Page>;
}

/** Per call, retries included: callers fail closed rather than wait (the SDK clients here: 2 attempts, short timeouts). */
export const DOCUMENT_CALL_TIMEOUT_MS = 3000;

const toWire = (value: Item) => marshall(value, { removeUndefinedValues: true });
const fromWire = (value: unknown) => (value ? (unmarshall(value as Parameters<typeof unmarshall>[0]) as Item) : undefined);

/** The inputs' document values marshalled: Key, Item, ExpressionAttributeValues, ExclusiveStartKey. */
function wireInput(input: Partial<GetInput & PutInput & QueryInput>): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const documentValue = name === 'Key' || name === 'Item' || name === 'ExpressionAttributeValues' || name === 'ExclusiveStartKey';
    wire[name] = documentValue ? toWire(value as Item) : value;
  }
  return wire;
}

export function jsonApiDocuments(api: DynamoDbJsonApi, timeoutMs = DOCUMENT_CALL_TIMEOUT_MS): Documents {
  const call = (operation: Parameters<DynamoDbJsonApi>[0], input: object) =>
    api<Record<string, unknown>>(operation, wireInput(input), AbortSignal.timeout(timeoutMs));
  const page = (output: Record<string, unknown>): Page => ({
    Items: ((output.Items as unknown[] | undefined) ?? []).map((item) => fromWire(item)!),
    ...(output.LastEvaluatedKey ? { LastEvaluatedKey: fromWire(output.LastEvaluatedKey) } : {}),
  });
  return {
    get: async (input) => ({ Item: fromWire((await call('GetItem', input)).Item) }),
    put: (input) => call('PutItem', input),
    update: async (input) => ({ Attributes: fromWire((await call('UpdateItem', input)).Attributes) }),
    delete: async (input) => ({ Attributes: fromWire((await call('DeleteItem', input)).Attributes) }),
    query: async (input) => page(await call('Query', input)),
    scan: async (input) => page(await call('Scan', input)),
  };
}
