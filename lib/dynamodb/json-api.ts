import { AwsV4Signer } from 'aws4fetch';

/**
 * DynamoDB's JSON API (the protocol the AWS SDK itself speaks) over fetch, signed with SigV4 by
 * aws4fetch. Exists for the authorizer, which runs on every request: the AWS SDK's DynamoDB client
 * costs about 120 ms of cold module load there, this costs almost nothing. Other functions keep
 * the SDK (lib/dynamodb/document-client.ts).
 *
 * Input and output are DynamoDB JSON (`{ S: 'x' }`): marshal with @aws-sdk/util-dynamodb.
 */

export type DynamoDbOperation = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan';

/** Sends one operation and resolves to its output, or rejects with a DynamoDbError. */
export type DynamoDbJsonApi = <Output = Record<string, unknown>>(
  operation: DynamoDbOperation,
  input: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<Output>;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface DynamoDbJsonApiOptions {
  region: string;
  /** Origin of the DynamoDB endpoint, e.g. https://dynamodb.us-east-1.amazonaws.com. */
  endpoint: string;
  credentials: AwsCredentials;
  /** Attempts per call for errors worth retrying (throttling, 5xx, network); 2 like the SDK clients here. */
  maxAttempts?: number;
  /** Injectable so that tests can observe the real requests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * A failed call. `name` is DynamoDB's error type without its namespace (the same names the AWS SDK
 * uses: ConditionalCheckFailedException, ResourceNotFoundException, ...), or TimeoutError/AbortError
 * when the caller's signal ended the call, NetworkError when no answer came, ConfigurationError when
 * the environment does not say where or as whom to call.
 */
export class DynamoDbError extends Error {
  constructor(
    name: string,
    message: string,
    readonly statusCode?: number,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = name;
  }
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
// The error types DynamoDB documents as "retry with backoff" that come with a 400 status.
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
/** Upper bound of the random pause before the one retry: short, because callers have tight timeouts. */
const RETRY_JITTER_MS = 40;

export function createDynamoDbJsonApi(options: DynamoDbJsonApiOptions): DynamoDbJsonApi {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  // aws4fetch caches the derived signing key per day here, so a warm call costs one HMAC chain less.
  const signingKeys = new Map<string, ArrayBuffer>();

  const attempt = async (operation: DynamoDbOperation, body: string, signal: AbortSignal | undefined) => {
    const signed = await new AwsV4Signer({
      method: 'POST',
      url,
      headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      body,
      ...options.credentials,
      service: 'dynamodb',
      region: options.region,
      cache: signingKeys,
    }).sign();
    let response: Response;
    let text: string;
    try {
      response = await send(signed.url, { method: 'POST', headers: signed.headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, operation);
      throw new DynamoDbError('NetworkError', `DynamoDB ${operation}: no response (${describe(error)})`, undefined, true, { cause: error });
    }
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new DynamoDbError('InvalidResponse', `DynamoDB ${operation}: response is not JSON`, response.status);
      }
    }
    throw errorOf(operation, response.status, text);
  };

  return async <Output>(operation: DynamoDbOperation, input: Record<string, unknown>, signal?: AbortSignal) => {
    const body = JSON.stringify(input);
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (signal?.aborted) throw abortError(signal, operation);
      try {
        return (await attempt(operation, body, signal)) as Output;
      } catch (error) {
        const retry = error instanceof DynamoDbError && error.retryable && attemptNumber < maxAttempts;
        if (!retry) throw error;
        await pause(Math.random() * RETRY_JITTER_MS, signal);
      }
    }
  };
}

/** Maps an error response (`{"__type":"com.amazonaws.dynamodb.v20120810#X","message":"..."}`) to a DynamoDbError. */
function errorOf(operation: DynamoDbOperation, status: number, text: string): DynamoDbError {
  let type: unknown;
  let message: unknown;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    type = parsed.__type;
    message = parsed.message ?? parsed.Message;
  } catch {
    // Not JSON (a proxy or load balancer answered): named by status below.
  }
  const name = typeof type === 'string' && type.length > 0 ? type.slice(type.lastIndexOf('#') + 1) : `Http${status}Error`;
  const retryable = status >= 500 || THROTTLING.has(name);
  const detail = typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
  return new DynamoDbError(name, `DynamoDB ${operation} failed with ${name} (HTTP ${status})${detail}`, status, retryable);
}

function abortError(signal: AbortSignal, operation: DynamoDbOperation): DynamoDbError {
  const reason = signal.reason as { name?: unknown } | undefined;
  const name = reason?.name === 'TimeoutError' ? 'TimeoutError' : 'AbortError';
  return new DynamoDbError(name, `DynamoDB ${operation} ${name === 'TimeoutError' ? 'timed out' : 'was aborted'}`, undefined, false, {
    cause: signal.reason,
  });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof cause === 'string') return cause;
  return error instanceof Error ? error.name : 'unknown';
}

// The partitions whose DNS suffix is not amazonaws.com (the AWS SDK's partitions.json).
const DNS_SUFFIXES: Array<[RegExp, string]> = [
  [/^cn-\w+-\d+$/, 'amazonaws.com.cn'],
  [/^eusc-de-\w+-\d+$/, 'amazonaws.eu'],
];
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;
const ISOLATED_REGION = /^(?:us-iso[a-z]?|eu-isoe)-/;

/**
 * The endpoint the AWS SDK would use, from the same variables: AWS_ENDPOINT_URL_DYNAMODB, then
 * AWS_ENDPOINT_URL, else the regional endpoint (FIPS when AWS_USE_FIPS_ENDPOINT=true).
 */
export function dynamoDbEndpoint(env: Record<string, string | undefined>, region: string): string {
  const override = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  if (override) {
    let parsed: URL;
    try {
      parsed = new URL(override);
    } catch {
      throw new DynamoDbError('ConfigurationError', 'AWS_ENDPOINT_URL_DYNAMODB is not a URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new DynamoDbError('ConfigurationError', 'AWS_ENDPOINT_URL_DYNAMODB must be an http(s) URL');
    }
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }
  if (!REGION.test(region)) throw new DynamoDbError('ConfigurationError', 'AWS_REGION is missing or not a region name');
  if (ISOLATED_REGION.test(region)) {
    throw new DynamoDbError('ConfigurationError', `set AWS_ENDPOINT_URL_DYNAMODB for the isolated region ${region}`);
  }
  const suffix = DNS_SUFFIXES.find(([pattern]) => pattern.test(region))?.[1] ?? 'amazonaws.com';
  const service = env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'dynamodb-fips' : 'dynamodb';
  return `https://${service}.${region}.${suffix}`;
}

/**
 * The client for this Lambda function: credentials from the variables Lambda sets for the
 * function's role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), region from
 * AWS_REGION. An incomplete environment does not fail the cold start: every call then fails with
 * a ConfigurationError, which a caller that fails closed turns into a denial, logged by name.
 */
export function dynamoDbJsonApiFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<DynamoDbJsonApiOptions, 'fetch' | 'maxAttempts'> = {},
): DynamoDbJsonApi {
  try {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    const endpoint = dynamoDbEndpoint(env, region);
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
    if (!accessKeyId || !secretAccessKey) {
      throw new DynamoDbError('ConfigurationError', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required');
    }
    // A local endpoint with no AWS_REGION still needs a region to sign with.
    const signingRegion = REGION.test(region) ? region : 'us-east-1';
    return createDynamoDbJsonApi({
      region: signingRegion,
      endpoint,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      ...overrides,
    });
  } catch (error) {
    if (!(error instanceof DynamoDbError)) throw error;
    return async () => {
      throw error;
    };
  }
}
