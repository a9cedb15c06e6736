import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { API_KEY_PREFIX, apiKeyHash, isWellFormedApiKey, looksLikeApiKey } from '../lib/api-keys.js';
import { headerValue } from '../lib/http/request-body.js';
import { trustOf } from '../lib/client-record.js';
import type { CallerIdentity } from '../lib/identity.js';
import type { AccessTokenVerifier } from './access-token.js';
import { type AuthorizationStore, CLIENT_TOUCH_INTERVAL_SECONDS } from './authorization-store.js';
import { extractBearerToken } from './bearer-token.js';
import { Denial, type DenyReason, describeFailure, failureReason } from './denial.js';
import { assertNotRevoked, revocationKeysOf } from './revocation-check.js';

export type Decision =
  | { effect: 'allow'; identity: CallerIdentity }
  | { effect: 'deny'; reason: DenyReason; detail?: string };

export interface AccessDecisionDependencies {
  verifyToken: AccessTokenVerifier;
  store: AuthorizationStore;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** Called with the failure of the `lastUsedAt` refresh (it never affects the decision). */
  onTouchFailure?: (error: unknown) => void;
}

/**
 * Decides on one request. Never throws: any failure, including an unexpected one, is a deny.
 * Order matters for cost and safety: header → signature and claims (no I/O once the JWKS is
 * cached) → one DynamoDB round trip for revocations and the client registry. A token that fails
 * the cryptographic or claim checks never reaches DynamoDB.
 */
export async function decideAccess(
  event: Pick<APIGatewayRequestAuthorizerEvent, 'headers'>,
  dependencies: AccessDecisionDependencies,
): Promise<Decision> {
  const token = extractBearerToken(event.headers);
  if (token === undefined) {
    const present = headerValue(event.headers, 'authorization') !== undefined;
    return present
      ? { effect: 'deny', reason: 'malformed', detail: 'Authorization header is not "Bearer <token>"' }
      : { effect: 'deny', reason: 'missing_token' };
  }
  try {
    const identity = looksLikeApiKey(token)
      ? await authorizeApiKey(token, dependencies)
      : await authorizeAccessToken(token, dependencies);
    return { effect: 'allow', identity };
  } catch (error) {
    return { effect: 'deny', reason: failureReason(error), detail: describeFailure(error, token) };
  }
}

/** Per container: clients whose lastUsedAt this container refreshed recently (bounds the writes). */
const touchedClients = new Map<string, number>();

async function authorizeAccessToken(token: string, dependencies: AccessDecisionDependencies): Promise<CallerIdentity> {
  const verified = await dependencies.verifyToken(token);
  const records = await dependencies.store.tokenRecords(revocationKeysOf(verified), verified.identity.clientId);
  const nowSeconds = Math.floor((dependencies.now?.() ?? Date.now()) / 1000);
  assertNotRevoked(verified, records, nowSeconds);
  const { clientId } = verified.identity;
  const lastUsed = Math.max(records.client?.lastUsedAt ?? 0, touchedClients.get(clientId) ?? 0);
  if (nowSeconds - lastUsed >= CLIENT_TOUCH_INTERVAL_SECONDS) await touchClient(clientId, nowSeconds, dependencies);
  const cimdUrl = records.client?.source === 'cimd' ? records.client.cimdUrl : undefined;
  return {
    ...verified.identity,
    clientTrust: trustOf(records.client?.source),
    ...(typeof cimdUrl === 'string' && cimdUrl ? { clientMetadataUrl: cimdUrl } : {}),
  };
}

/**
 * Refreshes the client's `lastUsedAt`, which keeps the daily clean-up from deleting a client in
 * use. Awaited, not fired and forgotten: Lambda freezes the environment as soon as the handler
 * returns, so a write still running then may never reach DynamoDB. The store bounds it in time;
 * whatever happens, the decision stands and the failure is only reported (and retried by the
 * container's next request for this client).
 */
async function touchClient(clientId: string, nowSeconds: number, dependencies: AccessDecisionDependencies): Promise<void> {
  touchedClients.set(clientId, nowSeconds);
  try {
    await dependencies.store.touchClient(clientId, nowSeconds);
  } catch (error) {
    touchedClients.delete(clientId);
    try {
      dependencies.onTouchFailure?.(error);
    } catch {
      // Reporting must not turn an Allow into a Deny.
    }
  }
}

async function authorizeApiKey(key: string, dependencies: AccessDecisionDependencies): Promise<CallerIdentity> {
  if (!isWellFormedApiKey(key)) throw new Denial('malformed', `not a well-formed ${API_KEY_PREFIX} API key`);
  const record = await dependencies.store.apiKey(apiKeyHash(key));
  if (!record) throw new Denial('unknown_api_key', 'API key not found');
  const nowSeconds = Math.floor((dependencies.now?.() ?? Date.now()) / 1000);
  if (record.status !== undefined && record.status !== 'active') throw new Denial('revoked', 'API key revoked');
  if (!(typeof record.expiresAt === 'number' && record.expiresAt > nowSeconds)) throw new Denial('expired', 'API key expired');
  return {
    principal: record.owner,
    authMethod: 'api_key',
    sub: record.owner,
    username: record.owner,
    clientId: `api-key:${record.keyId}`,
    scopes: Array.isArray(record.scopes) ? record.scopes : [],
    groups: [],
    tokenId: record.keyId,
    expiresAt: record.expiresAt,
    clientTrust: 'operator',
  };
}
