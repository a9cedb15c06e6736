import type { RateLimiter } from '../../lib/rate-limit.js';
import type { AppClients } from '../cognito-app-clients.js';
import type { ClientRegistry } from '../client-registry.js';
import type { RegistrationClaims } from '../registration-claim.js';

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

export const epochSeconds = (policy: RegistrationPolicy) => Math.floor((policy.now?.() ?? new Date()).getTime() / 1000);
