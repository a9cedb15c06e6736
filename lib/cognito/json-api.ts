import type { Send } from '../aws/http-send.js';
import { AwsJsonError, createAwsJsonCall, credentialsFromEnvironment, failingCall, SDK_STANDARD_RETRY } from '../aws/aws-json-call.js';
import { resolveAwsEndpoint } from '../aws/endpoints.js';
import { signingRegion } from '../aws/region.js';

/**
 * The Cognito user pool calls the deployed functions make, over Cognito's JSON 1.1 API signed with
 * SigV4 by lib/aws/sigv4.ts (lib/aws/aws-json-call.ts): the SDK's Cognito client is a large part of a
 * function's cold load otherwise. The admin CLI keeps the SDK (lib/cognito/sdk-api.ts).
 * Errors carry Cognito's own type names (NotAuthorizedException, ResourceNotFoundException, ...)
 * and Cognito's own message (what the SDK's errors carried, and what DCR quotes back for
 * InvalidParameterException); lib/cognito-outcome.ts reports them.
 */
export type CognitoOperation =
  | 'ListUsers'
  | 'AdminGetUser'
  | 'AdminUserGlobalSignOut'
  | 'CreateUserPoolClient'
  | 'UpdateUserPoolClient'
  | 'DescribeUserPoolClient'
  | 'DeleteUserPoolClient'
  | 'ListUserPoolClients'
  | 'RevokeToken';

export type CognitoApi = (operation: CognitoOperation, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A failed call: the one error class of lib/aws/aws-json-call.ts, under the name this module has always used. */
export { AwsJsonError as CognitoError };

/**
 * Per call, retries and pauses included: a handler's few Cognito calls stay well inside the
 * functions' 10 s Lambda timeout (and API Gateway's 29 s), and the MCP tool answers within its
 * client's patience. Each attempt at most 3 s (an app client write takes a few hundred ms).
 */
export const COGNITO_CALL_TIMEOUT_MS = 5000;
const ATTEMPT_TIMEOUT_MS = 3000;

/**
 * Cognito's model (@aws-sdk/client-cognito-identity-provider) has one rate-limit error,
 * TooManyRequestsException ("the user has made too many requests for a given operation"), on
 * every operation called here. Its LimitExceededException is a resource quota ("exceeds the limit
 * for a requested AWS resource", e.g. the pool's app client count): retrying cannot help, so it
 * is not retried, although the SDK's generic list counts it as throttling.
 */
const THROTTLING = new Set(['TooManyRequestsException']);

/**
 * Whether a call may be repeated after a 5xx, a timeout or a network error (throttling is always
 * retried: Cognito refused the request before doing anything). CreateUserPoolClient is not: a
 * request that was applied before the answer was lost would, repeated, make a second app client
 * that nothing records (an orphan holding a secret). The others converge: a read, a full
 * replacement (UpdateUserPoolClient), a delete whose "not found" callers treat as done, a sign-out
 * or a revocation of what is already signed out or revoked.
 */
const NOT_IDEMPOTENT = new Set<CognitoOperation>(['CreateUserPoolClient']);

/**
 * Operations Cognito's model marks as unauthenticated (smithy.api#noAuth in the SDK's
 * httpAuthSchemeProvider): RevokeToken authenticates the app client by ClientId / ClientSecret in
 * its body, and the SDK sends it unsigned.
 */
const UNSIGNED = new Set<CognitoOperation>(['RevokeToken']);

export interface CognitoApiOptions {
  region: string;
  endpoint: string;
  /** Absent: only the unsigned operations (RevokeToken) can be called. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  timeoutMs?: number;
  fetch?: Send;
  random?: () => number;
}

export function createCognitoApi(options: CognitoApiOptions): CognitoApi {
  const budgetMs = options.timeoutMs ?? COGNITO_CALL_TIMEOUT_MS;
  const call = createAwsJsonCall({
    label: 'Cognito',
    signingName: 'cognito-idp',
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    jsonVersion: '1.1',
    targetPrefix: 'AWSCognitoIdentityProviderService.',
    throttlingErrors: THROTTLING,
    retry: SDK_STANDARD_RETRY,
    attemptTimeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, budgetMs),
    budgetMs,
    errorMessage: ({ operation, status, serviceMessage }) => serviceMessage ?? `Cognito ${operation} failed (HTTP ${status})`,
    fetch: options.fetch,
    random: options.random,
  });
  return (operation, input) => call(operation, input, { idempotent: !NOT_IDEMPOTENT.has(operation), unsigned: UNSIGNED.has(operation) });
}

/**
 * From the variables the SDK reads: AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then AWS_ENDPOINT_URL,
 * else the regional endpoint; credentials of the function's role. An incomplete environment fails
 * each call (reported by the tool as 'failed'), not the cold start.
 */
export function cognitoApiFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<CognitoApiOptions, 'fetch' | 'timeoutMs' | 'random'> = {},
): CognitoApi {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  const { endpoint, problem } = resolveAwsEndpoint('cognitoIdentityProvider', env, region);
  const credentials = credentialsFromEnvironment(env);
  if (endpoint === undefined || !credentials) {
    const fail = failingCall(new AwsJsonError('ConfigurationError', problem ?? 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required'));
    return (operation, input) => fail(operation, input, { idempotent: true });
  }
  return createCognitoApi({ region: signingRegion(region), endpoint, credentials, ...overrides });
}
