import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { DYNAMODB_SDK_RETRY, type DynamoDbJsonApi, dynamoDbJsonApiFromEnvironment } from './json-api.js';

/**
 * The few DynamoDB calls the stores make, in document form (plain values, not `{ S: 'x' }`).
 * Two implementations: over the JSON API (jsonApiDocuments, here: what every deployed function
 * uses, so that no bundle carries an AWS SDK client) and over the SDK's document client
 * (lib/dynamodb/sdk-documents.ts, for the admin CLI and local/). Errors keep DynamoDB's names
 * either way (ConditionalCheckFailedException, TransactionCanceledException, ...), which is what
 * the stores look at; cancellationReasons() reads a cancelled transaction's reasons from either.
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
  IndexName?: string;
  FilterExpression?: string;
  ScanIndexForward?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Item | undefined;
}
export interface ScanInput extends Base {
  FilterExpression?: string;
  Select?: 'ALL_ATTRIBUTES' | 'COUNT';
  ExclusiveStartKey?: Item | undefined;
}
export interface Page {
  Items?: Item[];
  Count?: number;
  LastEvaluatedKey?: Item;
}
export interface ConditionCheckInput extends Base {
  Key: Item;
  ConditionExpression: string;
}
/** One action of a TransactWriteItems (ReturnValues is not allowed inside a transaction). */
export type TransactWriteItem =
  | { Put: PutInput }
  | { Update: Omit<UpdateInput, 'ReturnValues'> }
  | { Delete: Omit<DeleteInput, 'ReturnValues'> }
  | { ConditionCheck: ConditionCheckInput };
export interface TransactWriteInput {
  TransactItems: TransactWriteItem[];
}

export interface Documents {
  get(input: GetInput): Promise<{ Item?: Item }>;
  put(input: PutInput): Promise<unknown>;
  update(input: UpdateInput): Promise<{ Attributes?: Item }>;
  delete(input: DeleteInput): Promise<{ Attributes?: Item }>;
  query(input: QueryInput): Promise<Page>;
  scan(input: ScanInput): Promise<Page>;
  /** All or nothing; a failed condition rejects with TransactionCanceledException (see cancellationReasons). */
  transact(input: TransactWriteInput): Promise<unknown>;
}

/**
 * The reason codes of a TransactionCanceledException, one per action in order ('None' for the
 * actions that were fine, 'ConditionalCheckFailed', 'TransactionConflict', ...); [] for any other
 * error. The SDK puts them on the error (CancellationReasons), the JSON adapter in its details.
 */
export function cancellationReasons(error: unknown): string[] {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return [];
  const source = error as { CancellationReasons?: unknown; details?: { CancellationReasons?: unknown } };
  const reasons = source.CancellationReasons ?? source.details?.CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((reason) => String((reason as { Code?: unknown } | null)?.Code ?? 'None')) : [];
}

/**
 * Per call, retries included: callers fail closed rather than wait. The JSON API bounds every call
 * by its own budget (lib/dynamodb/json-api.ts: 3 s, attempts and pauses included, each attempt at
 * most 1.5 s), which is this bound; so by default no signal of our own is made per call (an
 * AbortSignal.timeout per call cost about 2% of a warm MCP tools/call, for a bound already there).
 */
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

const wireTransactItem = (item: TransactWriteItem) =>
  Object.fromEntries(Object.entries(item).map(([action, input]) => [action, wireInput(input as Partial<GetInput & PutInput & QueryInput>)]));

/** `timeoutMs`: a tighter bound than the JSON API's budget (DOCUMENT_CALL_TIMEOUT_MS), as a signal per call. */
export function jsonApiDocuments(api: DynamoDbJsonApi, timeoutMs?: number): Documents {
  const signal = () => (timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs));
  const call = (operation: Parameters<DynamoDbJsonApi>[0], input: object) =>
    api<Record<string, unknown>>(operation, wireInput(input), signal());
  const page = (output: Record<string, unknown>): Page => ({
    Items: ((output.Items as unknown[] | undefined) ?? []).map((item) => fromWire(item)!),
    ...(typeof output.Count === 'number' ? { Count: output.Count } : {}),
    ...(output.LastEvaluatedKey ? { LastEvaluatedKey: fromWire(output.LastEvaluatedKey) } : {}),
  });
  return {
    get: async (input) => ({ Item: fromWire((await call('GetItem', input)).Item) }),
    put: (input) => call('PutItem', input),
    update: async (input) => ({ Attributes: fromWire((await call('UpdateItem', input)).Attributes) }),
    delete: async (input) => ({ Attributes: fromWire((await call('DeleteItem', input)).Attributes) }),
    query: async (input) => page(await call('Query', input)),
    scan: async (input) => page(await call('Scan', input)),
    // A fresh token per call makes its retries (after a 5xx or a timeout) safe: DynamoDB applies
    // a token's transaction at most once, as the SDK does with the token it generates itself.
    transact: (input) =>
      api('TransactWriteItems', { TransactItems: input.TransactItems.map(wireTransactItem), ClientRequestToken: randomUUID() }, signal()),
  };
}

/**
 * The document adapter of a deployed function: the JSON API from the environment (the standard
 * AWS_ENDPOINT_URL_DYNAMODB when set, so the local stack needs no branch) with the SDK's standard
 * retries. Budget: 3 s per call, retries and pauses included, each attempt at most 1.5 s; a
 * handler makes a few calls in sequence, well inside the functions' 10 s Lambda timeout (itself
 * inside API Gateway's 29 s).
 */
export function dynamoDbDocumentsFromEnvironment(env: Record<string, string | undefined> = process.env): Documents {
  return jsonApiDocuments(dynamoDbJsonApiFromEnvironment(env, { retry: DYNAMODB_SDK_RETRY }));
}
