import { createDynamoDbJsonApi, type DynamoDbJsonApi } from '../../lib/dynamodb/json-api.js';

export interface RecordedRequest {
  /** The operation named by X-Amz-Target, e.g. BatchGetItem. */
  operation: string;
  headers: Headers;
  body: string;
}

export interface RecordingDynamoDbJsonApi {
  api: DynamoDbJsonApi;
  /** Every operation the adapter was asked for, in call order (fire-and-forget ones included). */
  calls: string[];
  /** Every HTTP request the adapter really sent (retries included), in the order they left. */
  requests: RecordedRequest[];
  /** Resolves once every call made so far has finished (succeeded or failed). */
  settled(): Promise<void>;
}

/**
 * The authorizer's DynamoDB adapter pointed at a DynamoDB Local endpoint, recording the calls it
 * is asked for and the HTTP requests it really sends, so that tests count real calls.
 */
export function recordingDynamoDbJsonApi(
  endpoint: string,
  options: { sessionToken?: string; maxAttempts?: number } = {},
): RecordingDynamoDbJsonApi {
  const calls: string[] = [];
  const requests: RecordedRequest[] = [];
  const pending = new Set<Promise<unknown>>();
  const adapter = createDynamoDbJsonApi({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local', ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) },
    maxAttempts: options.maxAttempts,
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push({ operation: (headers.get('x-amz-target') ?? '').replace(/^DynamoDB_20120810\./, ''), headers, body: String(init?.body) });
      return fetch(input, init);
    },
  });
  const api: DynamoDbJsonApi = <Output>(...args: Parameters<DynamoDbJsonApi>) => {
    calls.push(args[0]);
    const call = adapter<Output>(...args);
    const tracked = call.catch(() => undefined).finally(() => pending.delete(tracked));
    pending.add(tracked);
    return call;
  };
  return { api, calls, requests, settled: async () => void (await Promise.all([...pending])) };
}
