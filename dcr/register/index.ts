import { jsonResponse } from '../../lib/http/json-response.js';
import type { ClientMetadata } from '../client-metadata.js';
import type { DcrContext, DcrStep } from '../http/context.js';
import { checkRequestOrigin } from '../http/origin.js';
import { answerPreflight } from '../http/preflight.js';
import { checkClientCapacity } from './capacity.js';
import { createClient } from './create-client.js';
import { claimRegistration, findRecentRegistration, idempotencyOf } from './idempotency.js';
import { checkInitialAccessToken } from './initial-access-token.js';
import { readClientMetadata } from './metadata.js';
import { type Registration, type RegistrationContext, type RegistrationDependencies, type RegistrationPolicy, epochSeconds } from './policy.js';
import { limitRegistrationRate } from './rate-limit.js';
import { registrationScopes } from './scopes.js';

/**
 * POST /register (RFC 7591), step by step: the request's steps here, then the registration's own
 * (registerClient, below). A refusal is thrown and answered by http/error-answer.ts; every answer
 * after the origin check carries the CORS headers of an allowed origin.
 */
export const REGISTER_STEPS: readonly DcrStep[] = [
  checkRequestOrigin, //      a browser origin not in allowedOrigins              -> 403 access_denied, no CORS headers
  answerPreflight, //         OPTIONS                                             -> 204 preflight
  checkInitialAccessToken, // when configured, the Bearer token against its hash  -> 401 invalid_token
  readClientMetadata, //      JSON, bounded, no key twice; RFC 7591 metadata      -> 400 invalid_client_metadata | invalid_redirect_uri, 413
  answerRegistration, //      registerClient, below                               -> 201
];

/**
 * Registers a client, in order: the Cognito app client and the registry row, both or neither,
 * after the abuse controls. Identical public registrations from one source within the idempotency
 * window get the existing client back (without a registration access token).
 */
export async function registerClient(
  metadata: ClientMetadata,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
  context: RegistrationContext = {},
): Promise<Registration> {
  // The scopes the operator allows; none at all                 -> 400 invalid_client_metadata.
  const scopes = registrationScopes(metadata, policy);
  const now = epochSeconds(policy);
  // Only public clients from a known source, within the window, are deduplicated.
  const idempotency = idempotencyOf(metadata, policy, context, now);
  // An identical registration finished                           -> 201 its client, no token.
  const earlier = await findRecentRegistration(idempotency, policy, dependencies);
  if (earlier) return earlier;
  // An identical registration under way (registration-claim.ts)  -> 201 its client | 429 slow_down.
  const claim = await claimRegistration(idempotency, policy, dependencies);
  if (claim?.kind === 'repeated') return claim.registration;
  try {
    // Registrations per source address                           -> 429 slow_down.
    await limitRegistrationRate(policy, dependencies, context);
    // Active app clients in the registry against dcrMaxClients   -> 503 temporarily_unavailable.
    await checkClientCapacity(policy, dependencies);
    // The Cognito app client, then the row; the app client deleted when
    // the row fails                                              -> 201 | 400 (Cognito refused the metadata) | 500.
    return await createClient(metadata, scopes, idempotency?.fingerprint, now, policy, dependencies);
  } catch (error) {
    // An identical retry may then create at once.
    if (claim?.kind === 'claimed') await claim.release();
    throw error;
  }
}

async function answerRegistration(ctx: DcrContext) {
  const { endpoint, event } = ctx;
  const metadata = ctx.metadata!;
  const registration = await registerClient(metadata, endpoint.policy, endpoint.dependencies, { sourceIp: event.requestContext?.identity?.sourceIp });
  endpoint.logger.info(registration.created ? 'Client registered' : 'Identical recent registration returned', {
    clientId: registration.body.client_id,
    clientName: registration.body.client_name,
    redirectUris: metadata.redirect_uris,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
  });
  return jsonResponse(201, registration.body);
}
