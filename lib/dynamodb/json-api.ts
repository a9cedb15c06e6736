import type { Send } from '../aws/http-send.js';
import { type AwsCredentials, AwsJsonError, createAwsJsonCall, type RetryPolicy } from '../aws/aws-json-call.js';
import { resolveAwsEndpoint } from '../aws/endpoints.js';
import { signingRegion } from '../aws/region.js';

export type { AwsCredentials };

/**
 * DynamoDB's JSON API (the protocol the AWS SDK itself speaks) over fetch, signed with SigV4 by
 * lib/aws/sigv4.ts (through lib/aws/aws-json-call.ts). The deployed functions use it instead of the AWS SDK's
 * DynamoDB client, which costs about 120 ms of cold module load; the admin CLI and local/ keep the
 * SDK (lib/dynamodb/document-client.ts).
 *
 * Input and output are DynamoDB JSON (`{ S: 'x' }`): marshal with @aws-sdk/util-dynamodb, or use
 * the document form in lib/dynamodb/documents.ts.
 */

export type DynamoDbOperation =
  | 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan' | 'TransactWriteItems' | 'TransactGetItems';

/** Sends one operation and resolves to its output, or rejects with a DynamoDbError. */
export type DynamoDbJsonApi = <Output = Record<string, unknown>>(
  operation: DynamoDbOperation,
  input: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<Output>;

export interface DynamoDbJsonApiOptions {
  region: string;
  /** Origin of the DynamoDB endpoint, e.g. https://dynamodb.us-east-1.amazonaws.com. */
  endpoint: string;
  credentials: AwsCredentials;
  /** Attempts per call for errors worth retrying; AUTHORIZER_RETRY's 2 when absent. */
  maxAttempts?: number;
  /** The whole backoff policy (maxAttempts, when given too, wins). */
  retry?: RetryPolicy;
  /** Bound on one attempt (a call's signal, if any, bounds the call). */
  attemptTimeoutMs?: number;
  /** Injectable so that tests can observe the real requests (fetch, or a stand-in); Node's HTTP client otherwise (aws/http-send.ts). */
  fetch?: Send;
  random?: () => number;
}

/** A failed call: the one error class of lib/aws/aws-json-call.ts, under the name the stores have always used. */
export { AwsJsonError as DynamoDbError };

/**
 * The retry policy the authorizer was built around (one retry, at most 40 ms of jitter: its reads
 * have a 1 s bound and its lastUsedAt refresh 250 ms, see authorizer/config.ts). The facade and DCR
 * functions use DYNAMODB_SDK_RETRY (lib/dynamodb/documents.ts).
 */
export const AUTHORIZER_RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 40, throttlingBaseDelayMs: 40, maxDelayMs: 40 };
/** The SDK DynamoDB client's standard mode as installed (@aws-sdk/client-dynamodb: 25 ms base, throttling 1 s) with 3 attempts. */
export const DYNAMODB_SDK_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 25, throttlingBaseDelayMs: 1000, maxDelayMs: 20_000 };

/**
 * The error types DynamoDB's model documents for its data-plane operations as throttling (@aws-sdk/
 * client-dynamodb models: ProvisionedThroughputExceededException, RequestLimitExceeded,
 * ThrottlingException), and TransactionInProgressException, which the SDK retries too: another
 * request with the same ClientRequestToken is still running, so this one was not applied.
 * LimitExceededException is left out: in DynamoDB it is a control-plane quota (simultaneous table
 * operations, backups), not a rate limit, and none of the operations called here returns it.
 */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'ThrottlingException', 'TransactionInProgressException']);

/**
 * Operations whose repetition cannot change the outcome: reads, and TransactWriteItems with a
 * ClientRequestToken (DynamoDB applies a token's transaction once within 10 minutes; the document
 * adapter always sets one). A PutItem / UpdateItem / DeleteItem after a 5xx or a timeout may have
 * been applied: repeated, its condition would fail against its own write, or a counter would count
 * twice. Those are retried only when throttled.
 */
const READS = new Set<DynamoDbOperation>(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const isIdempotent = (operation: DynamoDbOperation, input: Record<string, unknown>) =>
  READS.has(operation) || (operation === 'TransactWriteItems' && typeof input.ClientRequestToken === 'string');

/** Bound on one attempt when the caller gives no signal of its own: a regional call takes milliseconds. */
const ATTEMPT_TIMEOUT_MS = 1500;
/** Bound on a call, attempts and pauses included (a caller's signal may end it sooner). */
const DEFAULT_BUDGET_MS = 3000;

export function createDynamoDbJsonApi(options: DynamoDbJsonApiOptions): DynamoDbJsonApi {
  const retry = options.retry ?? AUTHORIZER_RETRY;
  const call = createAwsJsonCall({
    label: 'DynamoDB',
    signingName: 'dynamodb',
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    jsonVersion: '1.0',
    targetPrefix: 'DynamoDB_20120810.',
    throttlingErrors: THROTTLING,
    retry: { ...retry, maxAttempts: Math.max(1, options.maxAttempts ?? retry.maxAttempts) },
    attemptTimeoutMs: options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
    budgetMs: DEFAULT_BUDGET_MS,
    fetch: options.fetch,
    random: options.random,
  });
  return <Output>(operation: DynamoDbOperation, input: Record<string, unknown>, signal?: AbortSignal) =>
    call<Output>(operation, input, { idempotent: isIdempotent(operation, input), signal });
}


/** The endpoint the AWS SDK would use (lib/aws/endpoints.ts), or a ConfigurationError saying why there is none. */
export function dynamoDbEndpoint(env: Record<string, string | undefined>, region: string): string {
  const { endpoint, problem } = resolveAwsEndpoint('dynamodb', env, region);
  if (endpoint === undefined) throw new AwsJsonError('ConfigurationError', problem);
  return endpoint;
}

/**
 * The client for this Lambda function: credentials from the variables Lambda sets for the
 * function's role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), region from
 * AWS_REGION. An incomplete environment does not fail the cold start: every call then fails with
 * a ConfigurationError, which a caller that fails closed turns into a denial, logged by name.
 */
export function dynamoDbJsonApiFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<DynamoDbJsonApiOptions, 'fetch' | 'maxAttempts' | 'retry' | 'attemptTimeoutMs' | 'random'> = {},
): DynamoDbJsonApi {
  try {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    const endpoint = dynamoDbEndpoint(env, region);
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
    if (!accessKeyId || !secretAccessKey) {
      throw new AwsJsonError('ConfigurationError', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required');
    }
    return createDynamoDbJsonApi({
      // A local endpoint with no AWS_REGION still needs a region to sign with.
      region: signingRegion(region),
      endpoint,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      ...overrides,
    });
  } catch (error) {
    if (!(error instanceof AwsJsonError)) throw error;
    return async () => {
      throw error;
    };
  }
}
