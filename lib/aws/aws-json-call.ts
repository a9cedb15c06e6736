import { type Send, type SendAnswer, httpSend } from './http-send.js';
import { signRequest } from './sigv4.js';

/**
 * One call to an AWS JSON-protocol API (DynamoDB's JSON 1.0, Cognito's and Secrets Manager's JSON
 * 1.1): sign with SigV4 (./sigv4.ts, node:crypto), send with a per-attempt timeout, name the error by its
 * `__type`, retry what is worth retrying, raise AwsJsonError. The functions use this instead of the
 * AWS SDK clients, whose module load was most of their cold start (`npm run bench -- bundles`).
 *
 * Retries follow the SDK's standard mode (@smithy/core retry: full-jitter exponential backoff,
 * delay = random() * min(20 s, base * 2^retry), a larger base for throttling) with two deliberate
 * differences:
 *  - only a call marked idempotent is retried after a 5xx, a timeout or a network error: for a write
 *    such an error does not prove the request was not applied (a repeated CreateUserPoolClient makes
 *    a second app client; a repeated conditional PutItem fails its own condition). Throttling is
 *    retried for every call: the service refused the request before doing anything.
 *  - every call has a total budget (attempts and pauses): a pause that would end past it is not
 *    taken and the last error is raised, so a caller always answers before its Lambda timeout.
 * No retry-token bucket: a Lambda container serves one request at a time, there is no crowd of
 * concurrent calls in this process to hold back. No clock-skew correction: Lambda's clock is synced.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff base for 5xx / timeouts / network errors. */
  baseDelayMs: number;
  /** Backoff base for throttling. */
  throttlingBaseDelayMs: number;
  maxDelayMs: number;
}

/** The AWS SDK v3 standard mode as installed here (@smithy/core retries-2026-config: 3 attempts, 50 ms, throttling 1 s, cap 20 s). */
export const SDK_STANDARD_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 50, throttlingBaseDelayMs: 1000, maxDelayMs: 20_000 };

export interface AwsJsonService {
  /** For messages: 'DynamoDB', 'Cognito', ... */
  label: string;
  /** SigV4 service name: dynamodb, cognito-idp, secretsmanager. */
  signingName: string;
  region: string;
  /** Origin (and optional path) of the endpoint, e.g. https://dynamodb.us-east-1.amazonaws.com. */
  endpoint: string;
  /** Absent: only unsigned operations can be called (see CallOptions.unsigned). */
  credentials?: AwsCredentials | undefined;
  jsonVersion: '1.0' | '1.1';
  /** X-Amz-Target prefix, e.g. 'DynamoDB_20120810.'. */
  targetPrefix: string;
  /** Further headers every request carries, signed (e.g. CloudWatch's `x-amzn-query-mode`). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The service's modelled error types that mean "slow down, nothing was done" (HTTP 429 always does). */
  throttlingErrors: ReadonlySet<string>;
  retry?: RetryPolicy | undefined;
  /** Bound on one attempt; a call's budget bounds them all together. */
  attemptTimeoutMs: number;
  /** Bound on a whole call (attempts and pauses) unless the call gives its own. */
  budgetMs: number;
  /** How an error's message reads; the default is `${label} ${operation} failed with ${name} (HTTP ${status}): ${service message}`. */
  errorMessage?: ((failure: { operation: string; name: string; status: number; serviceMessage: string | undefined }) => string) | undefined;
  /** Injectable so tests can answer as the service would (fetch, or a stand-in); Node's HTTP client otherwise (http-send.ts). */
  fetch?: Send | undefined;
  /** Injectable so tests can pin the jitter. */
  random?: (() => number) | undefined;
}

export interface CallOptions {
  /** True when repeating the request cannot change its outcome (reads, full replacements, deletes that tolerate "not found"). */
  idempotent: boolean;
  /** The caller's own bound: when it ends, the call ends (TimeoutError / AbortError), no retry. */
  signal?: AbortSignal | undefined;
  budgetMs?: number | undefined;
  /** The operation takes no SigV4 signature (e.g. Cognito RevokeToken: the client authenticates in the body). */
  unsigned?: boolean | undefined;
}

export type AwsJsonCall = <Output = Record<string, unknown>>(operation: string, input: Record<string, unknown>, options: CallOptions) => Promise<Output>;

/**
 * A failed call. `name` is the service's error type without namespace (the names the AWS SDK uses:
 * ConditionalCheckFailedException, TooManyRequestsException, ...), or: TimeoutError / AbortError
 * (the caller's signal or the budget ended the call), NetworkError (no answer), InvalidResponse,
 * ConfigurationError (the environment does not say where or as whom to call), Http<status>Error
 * (an answer without an error type, e.g. from a proxy). `details` holds the error body's other
 * fields (DynamoDB's CancellationReasons, ...). `retryable`: the error is of a kind worth retrying
 * (throttling, 5xx, timeout, network), whether or not this call was allowed to retry it.
 */
export class AwsJsonError extends Error {
  readonly details: Record<string, unknown>;
  readonly throttling: boolean;
  attempts = 1;
  constructor(
    name: string,
    message: string,
    readonly statusCode?: number,
    readonly retryable = false,
    options: { cause?: unknown; details?: Record<string, unknown>; throttling?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.details = options.details ?? {};
    this.throttling = options.throttling ?? false;
  }
}

export function createAwsJsonCall(service: AwsJsonService): AwsJsonCall {
  const url = `${service.endpoint.replace(/\/+$/, '')}/`;
  const send = service.fetch ?? httpSend;
  const policy = service.retry ?? SDK_STANDARD_RETRY;
  const random = service.random ?? Math.random;
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  const scope = { service: service.signingName, region: service.region };

  const attempt = async (operation: string, body: string, options: CallOptions, signal: AbortSignal | undefined, deadline: number): Promise<unknown> => {
    const headers: Record<string, string> = { ...service.headers, 'content-type': contentType, 'x-amz-target': `${service.targetPrefix}${operation}` };
    let signedHeaders = headers;
    if (!options.unsigned) {
      if (!service.credentials) throw new AwsJsonError('ConfigurationError', `${service.label} ${operation}: no AWS credentials to sign with`);
      signedHeaders = signRequest({ method: 'POST', url, headers, body }, service.credentials, scope);
    }
    const attemptSignal = attemptBound(signal, Math.max(1, Math.min(service.attemptTimeoutMs, deadline - Date.now())));
    let response: SendAnswer;
    let text: string;
    try {
      response = await send(url, { method: 'POST', headers: signedHeaders, body, signal: attemptSignal.signal });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, service.label, operation);
      if (attemptSignal.signal.aborted) {
        throw new AwsJsonError('TimeoutError', `${service.label} ${operation}: no answer in time`, undefined, true, { cause: error });
      }
      throw new AwsJsonError('NetworkError', `${service.label} ${operation}: no response (${describe(error)})`, undefined, true, { cause: error });
    } finally {
      attemptSignal.release();
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (parsed && typeof parsed === 'object') return parsed;
      throw new AwsJsonError('InvalidResponse', `${service.label} ${operation}: response is not JSON`, response.status);
    }
    throw errorOf(service, operation, response, parsed);
  };

  return async <Output>(operation: string, input: Record<string, unknown>, options: CallOptions): Promise<Output> => {
    const body = JSON.stringify(input);
    const budget = options.budgetMs ?? service.budgetMs;
    const deadline = Date.now() + budget;
    // No caller signal: the budget alone bounds the call (no stand-in controller made per call).
    const callerSignal = options.signal;
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (callerSignal?.aborted) throw abortError(callerSignal, service.label, operation);
      try {
        return (await attempt(operation, body, options, callerSignal, deadline)) as Output;
      } catch (error) {
        if (!(error instanceof AwsJsonError)) throw error;
        error.attempts = attemptNumber;
        const allowed = error.throttling || (error.retryable && options.idempotent);
        if (!allowed || attemptNumber >= policy.maxAttempts) throw error;
        const delay = backoffDelayMs(policy, error.throttling, attemptNumber, random);
        // Not worth starting: the pause would leave no time for the attempt it waits for.
        if (Date.now() + delay >= deadline) throw error;
        await pause(delay, callerSignal);
      }
    }
  };
}

/** The pause before retry number `retry` (1 = the first retry): the SDK's full jitter, random() * min(max, base * 2^(retry-1)). */
export function backoffDelayMs(policy: RetryPolicy, throttling: boolean, retry: number, random: () => number = Math.random): number {
  const base = throttling ? policy.throttlingBaseDelayMs : policy.baseDelayMs;
  return Math.floor(random() * Math.min(policy.maxDelayMs, base * 2 ** (retry - 1)));
}

/**
 * `{"__type":"com.amazonaws.dynamodb.v20120810#X","message":"..."}`; cognito-local says `code`; else the
 * x-amzn-errortype header. A query-compatible service (CloudWatch) names the error first in
 * `x-amzn-query-error: Code;Sender`, the code its older Query API gave, as the AWS SDK reads it.
 */
function errorOf(service: AwsJsonService, operation: string, response: SendAnswer, parsed: Record<string, unknown> | undefined): AwsJsonError {
  const status = response.status;
  const queryCompatible = response.headers.get('x-amzn-query-error')?.split(';')[0];
  const type = queryCompatible || (parsed?.__type ?? parsed?.code ?? response.headers.get('x-amzn-errortype') ?? '');
  const rawName = typeof type === 'string' ? type.split(':')[0]! : '';
  const name = rawName ? rawName.slice(rawName.lastIndexOf('#') + 1) : `Http${status}Error`;
  const rawMessage = parsed?.message ?? parsed?.Message;
  const serviceMessage = typeof rawMessage === 'string' ? rawMessage.slice(0, 300) : undefined;
  const throttling = status === 429 || service.throttlingErrors.has(name);
  const { __type: _type, code: _code, message: _message, Message: _Message, ...details } = parsed ?? {};
  const message = service.errorMessage
    ? service.errorMessage({ operation, name, status, serviceMessage })
    : `${service.label} ${operation} failed with ${name} (HTTP ${status})${serviceMessage ? `: ${serviceMessage}` : ''}`;
  return new AwsJsonError(name, message, status, throttling || status >= 500, { details, throttling });
}

function abortError(signal: AbortSignal, label: string, operation: string): AwsJsonError {
  const reason = signal.reason as { name?: unknown } | undefined;
  const name = reason?.name === 'TimeoutError' ? 'TimeoutError' : 'AbortError';
  return new AwsJsonError(name, `${label} ${operation} ${name === 'TimeoutError' ? 'timed out' : 'was aborted'}`, undefined, false, {
    cause: signal.reason,
  });
}

/**
 * The caller's signal bounded by the attempt's timeout. A controller, a timer and a listener rather
 * than AbortSignal.any([signal, AbortSignal.timeout(ms)]): the same outcome at a fifth of the cost
 * (about 40 µs per call here, on every warm MCP call's rate-limit write), and `release` clears the
 * timer when the attempt ends, so nothing is left pending after the handler returns.
 */
function attemptBound(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The attempt timed out', 'TimeoutError')), ms);
  if (!signal) return { signal: controller.signal, release: () => clearTimeout(timer) };
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
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

/** The function role's credentials as Lambda puts them in the environment; undefined when incomplete. */
export function credentialsFromEnvironment(env: Record<string, string | undefined>): AwsCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** A call that always fails with this error: an incomplete environment fails each call (fail closed), not the cold start. */
export function failingCall(error: AwsJsonError): AwsJsonCall {
  return async () => {
    throw error;
  };
}
