import { createHash } from 'node:crypto';
import type { RateLimiter } from '../../lib/rate-limit.js';
import type { AppClients } from '../cognito-app-clients.js';
import type { MetadataPolicy } from '../client-metadata.js';
import type { CimdAliasRecord, CimdClientRecord } from '../../lib/client-record.js';
import { ClientCapacityError, RateLimitedError } from '../errors.js';
import { grantScopes } from '../register/scopes.js';
import { sha256Hex } from '../registration-token.js';
import { type CacheBounds, cacheLifetimeSeconds } from './cache-lifetime.js';
import { type CimdRegistry, AliasExistsError } from './cimd-registry.js';
import { type CimdHostPolicy, checkClientIdUrl } from './client-id-url.js';
import { type CimdDocument, CimdDocumentError, parseCimdDocument } from './document.js';
import { CimdFetchError, type FetchedDocument } from './safe-fetch.js';

/**
 * The client behind a CIMD client_id: one Cognito app client per document URL (never per user or
 * per sign-in), created through the same registration rules as DCR on first use, recorded in the
 * registry with source 'cimd', and refreshed when its document's cache lifetime has passed (new
 * redirect URIs then take effect; they live only in the registry, Cognito needs no update).
 * A document that cannot be fetched keeps a known client working for an hour past its freshness
 * (stale-if-error); an invalid one refuses at once. Errors and invalid documents are never cached.
 */
export class CimdClientError extends Error {
  override readonly name = 'CimdClientError';
  /** The message is shown to the user; `detail` (a resolver's or socket's own text) only logged. */
  constructor(message: string, readonly detail?: string) {
    super(message);
  }
}

export interface CimdPolicy {
  hosts: CimdHostPolicy;
  metadata: MetadataPolicy;
  resourceServerId: string;
  allowedScopes: string[];
  cache: CacheBounds;
  callbackUrl: string;
  rateLimit?: { limit: number; windowSeconds: number };
  /** Cap on active app clients in the registry, whoever registered them (as dcrMaxClients: none when absent). */
  maxClients?: number;
}

export interface CimdDependencies {
  registry: CimdRegistry;
  countActiveAppClients: () => Promise<number>;
  appClients: Pick<AppClients, 'createClient' | 'deleteClient'>;
  fetchDocument: (url: URL, local: boolean) => Promise<FetchedDocument>;
  rateLimiter?: RateLimiter;
  onOrphan?: (clientId: string, error: unknown) => void;
}

export const STALE_IF_ERROR_SECONDS = 3600;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export async function resolveCimdClient(
  clientId: string,
  policy: CimdPolicy,
  deps: CimdDependencies,
  context: { sourceIp?: string | undefined; now?: Date } = {},
): Promise<CimdAliasRecord> {
  const now = context.now ?? new Date();
  const check = checkClientIdUrl(clientId, policy.hosts);
  if (!check.ok) throw new CimdClientError(`client_id ${check.reason}`);
  const alias = await deps.registry.getAlias(clientId);
  if (alias && alias.cacheUntil > seconds(now)) return alias;

  let fetched: FetchedDocument;
  try {
    fetched = await deps.fetchDocument(check.url, check.local);
  } catch (error) {
    if (error instanceof CimdFetchError) {
      if (error.transient && alias && seconds(now) < alias.cacheUntil + STALE_IF_ERROR_SECONDS) return alias;
      throw new CimdClientError(`The application's metadata document could not be fetched: ${error.message}`, error.detail);
    }
    throw error;
  }
  let document: CimdDocument;
  try {
    document = parseCimdDocument(fetched.body, clientId, policy.metadata, (url) => {
      const keysUrl = checkClientIdUrl(url, policy.hosts);
      return keysUrl.ok ? undefined : keysUrl.reason;
    });
  } catch (error) {
    if (error instanceof CimdDocumentError) throw new CimdClientError(`The client's metadata document is invalid: ${error.message}`);
    throw error;
  }
  const { metadata, authentication } = document;
  const method = authentication.method;
  const documentSha256 = createHash('sha256').update(fetched.body).digest('hex');
  const fetchedAt = seconds(now);
  const cacheUntil = fetchedAt + cacheLifetimeSeconds(fetched, policy.cache, now);
  const scopes = grantScopes(metadata.scope, policy);

  if (alias) {
    if (alias.documentSha256 === documentSha256) {
      await deps.registry.touch(clientId, fetchedAt, cacheUntil);
      return { ...alias, fetchedAt, cacheUntil };
    }
    const updated: CimdAliasRecord = {
      ...alias, clientName: metadata.client_name!, redirectUris: metadata.redirect_uris, tokenEndpointAuthMethod: method, keys: authentication.keys, documentSha256, fetchedAt, cacheUntil,
    };
    await deps.registry.update(updated);
    return updated;
  }

  if (policy.rateLimit && deps.rateLimiter && context.sourceIp) {
    const decision = await deps.rateLimiter.consume(`cimd#${sha256Hex(context.sourceIp)}`, policy.rateLimit.limit, policy.rateLimit.windowSeconds, now);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
  }
  if (policy.maxClients !== undefined && (await deps.countActiveAppClients()) >= policy.maxClients) throw new ClientCapacityError(policy.maxClients);
  const host = check.url.host.replace(/[^\w.-]/g, '');
  const { clientId: appClientId } = await deps.appClients.createClient({
    name: `dcr cimd ${host}`.slice(0, 128),
    scopes,
    grantTypes: metadata.grant_types,
    confidential: false,
  });
  const created: CimdAliasRecord = {
    clientId, kind: 'cimd', aliasOf: appClientId, status: 'active', clientName: metadata.client_name!, redirectUris: metadata.redirect_uris,
    grantTypes: metadata.grant_types, scope: scopes.join(' '), documentSha256, fetchedAt, cacheUntil, createdAt: fetchedAt,
    tokenEndpointAuthMethod: method, ...(authentication.keys && { keys: authentication.keys }),
  };
  const row: CimdClientRecord = {
    clientId: appClientId, status: 'active', source: 'cimd', cimdUrl: clientId, clientName: created.clientName, redirectUris: created.redirectUris,
    grantTypes: metadata.grant_types, responseTypes: ['code'], tokenEndpointAuthMethod: method, scope: created.scope,
    registrationTokenHash: '', createdAt: fetchedAt, cognitoCallbackUrl: policy.callbackUrl,
  };
  try {
    await deps.registry.create(created, row);
    return created;
  } catch (error) {
    await deps.appClients.deleteClient(appClientId).catch((deleteError: unknown) => deps.onOrphan?.(appClientId, deleteError));
    if (error instanceof AliasExistsError) {
      // Another first use of the same URL won: use its registration.
      const winner = await deps.registry.getAlias(clientId);
      if (winner) return winner;
    }
    throw error;
  }
}
