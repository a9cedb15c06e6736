import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter } from '../lib/rate-limit.js';
import type { AppClientRequest, AppClients } from './cognito-app-clients.js';
import type { DynamicClientRecord } from '../lib/client-record.js';
import type { ClientRegistry } from './client-registry.js';
import { type ClientMetadata, RegistrationError, isConfidential } from './client-metadata.js';
import { ClientCapacityError, RateLimitedError, RegistrationInProgressError } from './errors.js';
import type { RegistrationClaims } from './registration-claim.js';
import { newRegistrationToken, sha256Hex } from './registration-token.js';

export interface RegistrationPolicy {
  /** Cognito resource server identifier; granted scopes are `${id}/${name}`. */
  resourceServerId: string;
  /** Full scope strings a dynamic client may be granted. */
  allowedScopes: string[];
  /** The API's public base URL; registration_client_uri is `${publicBaseUrl}/register/{client_id}`. */
  publicBaseUrl?: string;
  /** Registrations per source address per window (none when absent). */
  rateLimit?: { limit: number; windowSeconds: number };
  /**
   * Cap on active app clients in the registry, whoever registered them (DCR, CIMD, the operator,
   * by hand): they all share Cognito's app client quota (none when absent).
   */
  maxClients?: number;
  /** The facade's callback, recorded with the row (a row without it predates the facade; see oauth/authorize/client.ts). */
  callbackUrl?: string;
  /** Seconds within which an identical public registration from one source returns the same client; 0 = off. */
  idempotencySeconds?: number;
  now?: () => Date;
}

export interface RegistrationDependencies {
  appClients: AppClients;
  registry: ClientRegistry;
  rateLimiter?: RateLimiter;
  /** Makes idempotency hold for identical registrations arriving together (registration-claim.ts); without it, look then create. */
  claims?: RegistrationClaims;
  /** Called when undoing a half-finished registration itself fails; the client id must be reported. */
  onOrphan?: (clientId: string, error: unknown) => void;
  /** Called with the number of active clients whenever it was counted (for the quota alarm). */
  onClientCount?: (count: number) => void;
}

export interface RegistrationContext {
  /** The caller's address, for rate limits and idempotency; never stored in clear. */
  sourceIp?: string;
}

export interface Registration {
  body: Record<string, unknown>;
  /** false when an identical recent registration was returned instead of a new client. */
  created: boolean;
}

/**
 * Requested scopes, kept only where the operator allows them. Short names (`read`) and full
 * names (`{resourceServerId}/read`) are both accepted. Unknown or disallowed scopes (admin by
 * default, offline_access, other servers' scopes) are dropped, not an error (RFC 7591 §2: the
 * server may grant less). Nothing requested, or nothing grantable requested: the default set.
 */
export function grantScopes(requested: string | undefined, policy: RegistrationPolicy): string[] {
  const wanted = new Set(
    (requested ?? '')
      .split(' ')
      .filter((scope) => scope.length > 0)
      .map((scope) => (scope.includes('/') ? scope : `${policy.resourceServerId}/${scope}`)),
  );
  const granted = policy.allowedScopes.filter((scope) => wanted.has(scope));
  return granted.length > 0 ? granted : [...policy.allowedScopes];
}

/**
 * Cognito client names allow only [\w\s+=,.@-], up to 128 characters. JavaScript's \s also
 * matches Unicode spaces (U+2003, U+3000...), which a service-side regex may not: every space
 * becomes a plain one, so the name Cognito gets is ASCII.
 */
export function cognitoClientName(metadata: Pick<ClientMetadata, 'client_name'>): string {
  const cleaned = (metadata.client_name ?? 'MCP client').replace(/\s/g, ' ').replace(/[^\w +=,.@-]/g, '').trim();
  return `dcr ${cleaned || 'MCP client'}`.slice(0, 128);
}

export const DCR_CLIENT_NAME_PREFIX = 'dcr ';

const epochSeconds = (policy: RegistrationPolicy) => Math.floor((policy.now?.() ?? new Date()).getTime() / 1000);

/** The metadata as the registry stores it (scope already granted). */
export function metadataFields(metadata: ClientMetadata, scopes: string[]) {
  return {
    clientName: metadata.client_name ?? 'MCP client',
    redirectUris: metadata.redirect_uris,
    applicationType: metadata.application_type,
    grantTypes: metadata.grant_types,
    responseTypes: metadata.response_types,
    scope: scopes.join(' '),
    clientUri: metadata.client_uri,
    logoUri: metadata.logo_uri,
    policyUri: metadata.policy_uri,
    tosUri: metadata.tos_uri,
    contacts: metadata.contacts,
    softwareId: metadata.software_id,
    softwareVersion: metadata.software_version,
  };
}

export function appClientRequest(metadata: ClientMetadata, scopes: string[]): AppClientRequest {
  return {
    name: cognitoClientName(metadata),
    scopes,
    grantTypes: metadata.grant_types,
    confidential: isConfidential(metadata.token_endpoint_auth_method),
  };
}

/** The RFC 7591 §3.2.1 / RFC 7592 §3 view of a registry row. Never includes a secret. */
export function registrationResponse(record: DynamicClientRecord, policy: Pick<RegistrationPolicy, 'publicBaseUrl'>) {
  return {
    client_id: record.clientId,
    client_id_issued_at: record.createdAt,
    client_name: record.clientName,
    redirect_uris: record.redirectUris,
    ...(record.applicationType && { application_type: record.applicationType }),
    grant_types: record.grantTypes,
    response_types: record.responseTypes,
    token_endpoint_auth_method: record.tokenEndpointAuthMethod,
    scope: record.scope,
    ...(record.clientUri && { client_uri: record.clientUri }),
    ...(record.logoUri && { logo_uri: record.logoUri }),
    ...(record.policyUri && { policy_uri: record.policyUri }),
    ...(record.tosUri && { tos_uri: record.tosUri }),
    ...(record.contacts && { contacts: record.contacts }),
    ...(record.softwareId && { software_id: record.softwareId }),
    ...(record.softwareVersion && { software_version: record.softwareVersion }),
    ...(policy.publicBaseUrl && {
      registration_client_uri: `${policy.publicBaseUrl}/register/${encodeURIComponent(record.clientId)}`,
    }),
  };
}

/**
 * Same source, same metadata → same fingerprint. Only public clients are deduplicated: a
 * confidential client's secret is shown once and cannot be shown again.
 */
export function registrationFingerprint(metadata: ClientMetadata, sourceIp: string): string {
  const canonical = JSON.stringify(Object.entries(metadata).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return sha256Hex(`${sourceIp}\n${canonical}`);
}

/**
 * Registers a client: checks the abuse controls, creates the Cognito app client, then the
 * registry row; both or neither. Identical public registrations from one source within the
 * idempotency window get the existing client back (without a registration access token).
 */
export async function registerClient(
  metadata: ClientMetadata,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
  context: RegistrationContext = {},
): Promise<Registration> {
  if (policy.allowedScopes.length === 0) {
    throw new RegistrationError('invalid_client_metadata', 'scope: this server grants no scopes to dynamic clients');
  }
  const scopes = grantScopes(metadata.scope, policy);
  const confidential = isConfidential(metadata.token_endpoint_auth_method);
  const now = epochSeconds(policy);
  const window = policy.idempotencySeconds ?? 0;
  const fingerprint =
    !confidential && window > 0 && context.sourceIp ? registrationFingerprint(metadata, context.sourceIp) : undefined;

  // The claim on the fingerprint this registration holds while it creates the client.
  let claim: { fingerprint: string; owner: string } | undefined;
  if (fingerprint) {
    const existing = await dependencies.registry.findRecent(fingerprint, now - window);
    if (existing) return repeatedRegistration(existing, policy);
    if (dependencies.claims) {
      const outcome = await claimOrAwait(fingerprint, now - window, policy, dependencies.claims, dependencies.registry);
      if (outcome.kind === 'repeated') return repeatedRegistration(outcome.client, policy);
      claim = { fingerprint, owner: outcome.owner };
    }
  }
  try {
    return await createRegistration(metadata, scopes, confidential, fingerprint, now, policy, dependencies, context);
  } catch (error) {
    // An identical retry may create at once. If the release fails, the claim expires by itself.
    if (claim) await dependencies.claims!.release(claim.fingerprint, claim.owner, epochSeconds(policy)).catch(() => undefined);
    throw error;
  }
}

/**
 * The same client again, but no registration access token: anyone sending the same metadata from
 * the same address (a shared NAT, say) must not gain the right to read, change or delete the
 * first registrant's client. The original token stays valid.
 */
function repeatedRegistration(existing: DynamicClientRecord, policy: RegistrationPolicy): Registration {
  const { registration_client_uri: _notRepeated, ...body } = registrationResponse(existing, policy);
  return { created: false, body };
}

/** How long an identical registration waits for the one creating the client, and how often it looks. */
const AWAIT_CLAIM_MS = 4000;
const AWAIT_POLL_MS = 100;

/**
 * Claims the fingerprint, or waits for whoever holds it: their client once the registry shows it,
 * or the claim itself if they give it up (their registration failed). Refused when neither
 * happens in time: the other registration is still running.
 */
async function claimOrAwait(
  fingerprint: string,
  sinceSeconds: number,
  policy: RegistrationPolicy,
  claims: RegistrationClaims,
  registry: ClientRegistry,
): Promise<{ kind: 'claimed'; owner: string } | { kind: 'repeated'; client: DynamicClientRecord }> {
  const owner = randomUUID();
  const deadline = Date.now() + AWAIT_CLAIM_MS;
  for (;;) {
    if (await claims.claim(fingerprint, owner, epochSeconds(policy))) {
      // Created between our first look and the claim: a finished registration leaves its claim in place.
      const created = await registry.findRecent(fingerprint, sinceSeconds);
      if (!created) return { kind: 'claimed', owner };
      await claims.release(fingerprint, owner, epochSeconds(policy));
      return { kind: 'repeated', client: created };
    }
    if (Date.now() >= deadline) throw new RegistrationInProgressError();
    await sleep(AWAIT_POLL_MS);
    const created = await registry.findRecent(fingerprint, sinceSeconds);
    if (created) return { kind: 'repeated', client: created };
  }
}

async function createRegistration(
  metadata: ClientMetadata,
  scopes: string[],
  confidential: boolean,
  fingerprint: string | undefined,
  now: number,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
  context: RegistrationContext,
): Promise<Registration> {
  if (policy.rateLimit && dependencies.rateLimiter && context.sourceIp) {
    const decision = await dependencies.rateLimiter.consume(
      `dcr#${sha256Hex(context.sourceIp)}`,
      policy.rateLimit.limit,
      policy.rateLimit.windowSeconds,
      policy.now?.(),
    );
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
  }
  if (policy.maxClients !== undefined) {
    const count = await dependencies.registry.countActiveAppClients();
    dependencies.onClientCount?.(count);
    if (count >= policy.maxClients) throw new ClientCapacityError(policy.maxClients);
  }

  const { clientId, clientSecret } = await dependencies.appClients.createClient(appClientRequest(metadata, scopes));
  const registrationToken = newRegistrationToken();
  const record: DynamicClientRecord = {
    clientId,
    status: 'active',
    // What the clean-up goes by: it deletes only dynamic clients.
    source: 'dcr',
    ...metadataFields(metadata, scopes),
    cognitoCallbackUrl: policy.callbackUrl,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    registrationTokenHash: sha256Hex(registrationToken),
    fingerprint,
    createdAt: now,
  };
  try {
    await dependencies.registry.put(record);
  } catch (error) {
    // No partial registration: an app client the registry does not know must not stay active.
    await dependencies.appClients.deleteClient(clientId).catch((deleteError: unknown) => {
      dependencies.onOrphan?.(clientId, deleteError);
    });
    throw error;
  }
  return {
    created: true,
    body: {
      ...registrationResponse(record, policy),
      ...(confidential && clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
      registration_access_token: registrationToken,
    },
  };
}
