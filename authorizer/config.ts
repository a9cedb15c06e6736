import { ConfigurationError, type ConfigurationProblem } from '../lib/configuration-error.js';
import { localJwksOrigin } from './local-jwks.js';

/**
 * The authorizer's configuration, read once at cold start. Plain checks rather than zod: the
 * authorizer is on every request's path and its bundle (cold start) stays small without it.
 */

// The pool id format aws-jwt-verify accepts, all partitions (GovCloud, EU sovereign cloud) included.
const USER_POOL_ID = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[a-zA-Z0-9]+$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

export const DEFAULT_DYNAMODB_TIMEOUT_MS = 1000;
/**
 * Bound on the `lastUsedAt` refresh, awaited before the decision is answered (Lambda freezes the
 * environment when the handler returns, so a write left running may never be sent). It is paid at
 * most once per client per day, and a failed refresh is retried by the next request. A regional
 * UpdateItem takes a few milliseconds, its one retry (lib/dynamodb/json-api.ts) up to 40 ms more:
 * 250 ms lets a slow-but-working DynamoDB finish and keeps a sick one from adding the full read
 * bound (1 s) to an answer for the sake of bookkeeping.
 */
export const DEFAULT_TOUCH_TIMEOUT_MS = 250;
export const DEFAULT_CLOCK_SKEW_SECONDS = 10;

export interface AuthorizerConfig {
  userPoolId: string;
  /** The MCP endpoint's URL: a token that carries `aud` must name it. */
  resourceUrl: string;
  revocationsTable: string;
  clientsTable: string;
  apiKeysTable: string;
  /** Upper bound on the one DynamoDB round trip of a decision; past it the request is denied. */
  dynamoDbTimeoutMs: number;
  /** Upper bound on the daily `lastUsedAt` refresh; past it the refresh is abandoned (decision unchanged). */
  touchTimeoutMs: number;
  /** Allowance for clock differences when checking exp, nbf and iat. */
  clockSkewSeconds: number;
  /** Set only inside the local stack; see local-jwks.ts. */
  localJwksOrigin: string | undefined;
}

export function loadAuthorizerConfig(env: Record<string, string | undefined> = process.env): AuthorizerConfig {
  const problems: ConfigurationProblem[] = [];
  const read = (name: string, valid: (value: string) => boolean, what: string, fallback?: string): string => {
    const value = env[name] === undefined || env[name] === '' ? fallback : env[name];
    if (value === undefined) {
      problems.push({ variable: name, message: 'is required' });
      return '';
    }
    if (!valid(value)) problems.push({ variable: name, message: what });
    return value;
  };
  const integer = (min: number, max: number) => (value: string) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;

  const userPoolId = read('USER_POOL_ID', (value) => USER_POOL_ID.test(value), 'must be a Cognito user pool id');
  const resourceUrl = read('MCP_RESOURCE_URL', isHttpUrl, 'must be an absolute http(s) URL');
  const revocationsTable = read('REVOCATIONS_TABLE', (value) => TABLE_NAME.test(value), 'must be a DynamoDB table name');
  const clientsTable = read('CLIENTS_TABLE', (value) => TABLE_NAME.test(value), 'must be a DynamoDB table name');
  const apiKeysTable = read('API_KEYS_TABLE', (value) => TABLE_NAME.test(value), 'must be a DynamoDB table name');
  const timeout = read('AUTHORIZER_DYNAMODB_TIMEOUT_MS', integer(50, 10_000), 'must be an integer from 50 to 10000', String(DEFAULT_DYNAMODB_TIMEOUT_MS));
  const touch = read('AUTHORIZER_TOUCH_TIMEOUT_MS', integer(10, 5_000), 'must be an integer from 10 to 5000', String(DEFAULT_TOUCH_TIMEOUT_MS));
  const skew = read('AUTHORIZER_CLOCK_SKEW_SECONDS', integer(0, 300), 'must be an integer from 0 to 300', String(DEFAULT_CLOCK_SKEW_SECONDS));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    userPoolId,
    resourceUrl,
    revocationsTable,
    clientsTable,
    apiKeysTable,
    dynamoDbTimeoutMs: Number(timeout),
    touchTimeoutMs: Number(touch),
    clockSkewSeconds: Number(skew),
    localJwksOrigin: localJwksOrigin(env),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:');
  } catch {
    return false;
  }
}
