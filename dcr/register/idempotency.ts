import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamicClientRecord } from '../../lib/client-record.js';
import { type ClientMetadata, isConfidential } from '../client-metadata.js';
import type { ClientRegistry } from '../client-registry.js';
import { RegistrationInProgressError } from '../errors.js';
import type { RegistrationClaims } from '../registration-claim.js';
import { registrationResponse } from '../registration-response.js';
import { sha256Hex } from '../registration-token.js';
import { type Registration, type RegistrationContext, type RegistrationDependencies, type RegistrationPolicy, epochSeconds } from './policy.js';

/**
 * Identical public registrations from one source within the idempotency window get the existing
 * client back. Only public clients: a confidential client's secret is shown once and cannot be
 * shown again.
 */
export interface Idempotency {
  fingerprint: string;
  /** Epoch seconds: registrations since then count as recent. */
  since: number;
}

/** Same source, same metadata → same fingerprint. */
export function registrationFingerprint(metadata: ClientMetadata, sourceIp: string): string {
  const canonical = JSON.stringify(Object.entries(metadata).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return sha256Hex(`${sourceIp}\n${canonical}`);
}

export function idempotencyOf(metadata: ClientMetadata, policy: RegistrationPolicy, context: RegistrationContext, now: number): Idempotency | undefined {
  const window = policy.idempotencySeconds ?? 0;
  if (isConfidential(metadata.token_endpoint_auth_method) || window <= 0 || !context.sourceIp) return undefined;
  return { fingerprint: registrationFingerprint(metadata, context.sourceIp), since: now - window };
}

/** The first look: an identical registration already finished. */
export async function findRecentRegistration(
  idempotency: Idempotency | undefined,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
): Promise<Registration | undefined> {
  if (!idempotency) return undefined;
  const existing = await dependencies.registry.findRecent(idempotency.fingerprint, idempotency.since);
  return existing && repeatedRegistration(existing, policy);
}

/**
 * The claim on the fingerprint this registration holds while it creates the client (released
 * if the registration then fails, so an identical retry may create at once; if the release fails,
 * the claim expires by itself), or the client of an identical registration that held it first.
 */
export type RegistrationClaim = { kind: 'claimed'; release(): Promise<void> } | { kind: 'repeated'; registration: Registration };

export async function claimRegistration(
  idempotency: Idempotency | undefined,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
): Promise<RegistrationClaim | undefined> {
  const claims = dependencies.claims;
  if (!idempotency || !claims) return undefined;
  const outcome = await claimOrAwait(idempotency, policy, claims, dependencies.registry);
  if (outcome.kind === 'repeated') return { kind: 'repeated', registration: repeatedRegistration(outcome.client, policy) };
  return {
    kind: 'claimed',
    release: () => claims.release(idempotency.fingerprint, outcome.owner, epochSeconds(policy)).catch(() => undefined),
  };
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
  { fingerprint, since }: Idempotency,
  policy: RegistrationPolicy,
  claims: RegistrationClaims,
  registry: ClientRegistry,
): Promise<{ kind: 'claimed'; owner: string } | { kind: 'repeated'; client: DynamicClientRecord }> {
  const owner = randomUUID();
  const deadline = Date.now() + AWAIT_CLAIM_MS;
  for (;;) {
    if (await claims.claim(fingerprint, owner, epochSeconds(policy))) {
      // Created between our first look and the claim: a finished registration leaves its claim in place.
      const created = await registry.findRecent(fingerprint, since);
      if (!created) return { kind: 'claimed', owner };
      await claims.release(fingerprint, owner, epochSeconds(policy));
      return { kind: 'repeated', client: created };
    }
    if (Date.now() >= deadline) throw new RegistrationInProgressError();
    await sleep(AWAIT_POLL_MS);
    const created = await registry.findRecent(fingerprint, since);
    if (created) return { kind: 'repeated', client: created };
  }
}
