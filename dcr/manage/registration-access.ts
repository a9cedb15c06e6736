import { headerValue } from '../../lib/http/request-body.js';
import { type DynamicClientRecord, MalformedClientRecordError, isActiveClient, isDynamicClient } from '../../lib/client-record.js';
import type { AppClients } from '../cognito-app-clients.js';
import { isCognitoClientId } from '../client-id.js';
import type { ClientRegistry } from '../client-registry.js';
import { InvalidTokenError } from '../errors.js';
import type { DcrContext } from '../http/context.js';
import { bearerToken, tokenMatchesHash } from '../registration-token.js';

/**
 * RFC 7592 client configuration endpoint (GET/PUT/DELETE /register/{client_id}): authorised by
 * the registration access token issued at registration (compared with its stored hash in
 * constant time). An unknown client and a wrong token get the same answer, so the endpoint does
 * not reveal which client ids exist; an id that cannot be a Cognito client id is such an unknown
 * client, answered without a registry read.
 */
export interface ManagementDependencies {
  appClients: AppClients;
  registry: ClientRegistry;
  /** Cognito and the registry could not be brought back in line; an operator must look. */
  onInconsistency?: (clientId: string, what: string, error: unknown) => void;
}

export const INVALID = 'The registration access token is missing, invalid, or not for this client';

/** The registration access token of the client the path names. */
export async function checkRegistrationAccessToken(ctx: DcrContext): Promise<undefined> {
  const clientId = ctx.event.pathParameters?.client_id ?? '';
  ctx.record = await authenticateManagement(clientId, bearerToken(headerValue(ctx.event.headers, 'authorization')), ctx.endpoint.dependencies.registry);
  return undefined;
}

export async function authenticateManagement(
  clientId: string,
  token: string | undefined,
  registry: ClientRegistry,
): Promise<DynamicClientRecord> {
  if (!token) throw new InvalidTokenError(INVALID, false);
  if (!isCognitoClientId(clientId)) throw new InvalidTokenError(INVALID);
  const record = await registry.get(clientId).catch((error: unknown) => {
    // A row no reader can use is managed by no one (fail closed).
    if (error instanceof MalformedClientRecordError) return undefined;
    throw error;
  });
  // Only DCR rows have a registration access token (a CIMD row's is '').
  if (!record || !isDynamicClient(record)) throw new InvalidTokenError(INVALID);
  if (!isActiveClient(record) || !record.registrationTokenHash || !tokenMatchesHash(token, record.registrationTokenHash)) {
    throw new InvalidTokenError(INVALID);
  }
  return record;
}

