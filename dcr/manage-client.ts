import type { AppClients } from './cognito-app-clients.js';
import { isCognitoClientId } from './client-id.js';
import { type DynamicClientRecord, MalformedClientRecordError, isActiveClient, isDynamicClient } from '../lib/client-record.js';
import { ClientNotActiveError, type ClientRegistry } from './client-registry.js';
import { type ClientMetadata, RegistrationError } from './client-metadata.js';
import { InvalidTokenError } from './errors.js';
import {
  type RegistrationPolicy,
  appClientRequest,
  grantScopes,
  metadataFields,
  registrationResponse,
} from './register-client.js';
import { secretsEqual, tokenMatchesHash } from './registration-token.js';

/**
 * RFC 7592 client configuration endpoint: GET/PUT/DELETE /register/{client_id}, authorised by
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

const INVALID = 'The registration access token is missing, invalid, or not for this client';

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

export function readRegistration(record: DynamicClientRecord, policy: RegistrationPolicy) {
  return registrationResponse(record, policy);
}

/**
 * Replaces the client's metadata (RFC 7592 §2.2, same validation as registration). Cognito is
 * updated first; if the registry then fails, Cognito is put back as it was.
 */
export async function updateRegistration(
  record: DynamicClientRecord,
  metadata: ClientMetadata,
  body: Record<string, unknown>,
  policy: RegistrationPolicy,
  dependencies: ManagementDependencies,
): Promise<Record<string, unknown>> {
  if (body.client_id !== record.clientId) {
    throw new RegistrationError('invalid_client_metadata', 'client_id: must be the id of the client being updated');
  }
  if (metadata.token_endpoint_auth_method !== record.tokenEndpointAuthMethod) {
    throw new RegistrationError(
      'invalid_client_metadata',
      'token_endpoint_auth_method: cannot change after registration; register a new client instead',
    );
  }
  if (body.client_secret !== undefined) {
    const secret = await dependencies.appClients.clientSecret(record.clientId);
    if (typeof body.client_secret !== 'string' || secret === undefined || !secretsEqual(body.client_secret, secret)) {
      throw new RegistrationError('invalid_client_metadata', 'client_secret: does not match the client\'s secret');
    }
  }
  const scopes = grantScopes(metadata.scope, policy);
  const fields = metadataFields(metadata, scopes);
  const previous = appClientRequest(
    {
      client_name: record.clientName,
      redirect_uris: record.redirectUris,
      grant_types: record.grantTypes as ClientMetadata['grant_types'],
      response_types: record.responseTypes as ClientMetadata['response_types'],
      token_endpoint_auth_method: record.tokenEndpointAuthMethod as ClientMetadata['token_endpoint_auth_method'],
    },
    record.scope.split(' ').filter(Boolean),
  );
  await dependencies.appClients.updateClient(record.clientId, appClientRequest(metadata, scopes));
  const now = Math.floor((policy.now?.() ?? new Date()).getTime() / 1000);
  try {
    await dependencies.registry.updateMetadata(record.clientId, fields, now);
  } catch (error) {
    await dependencies.appClients.updateClient(record.clientId, previous).catch((restoreError: unknown) => {
      dependencies.onInconsistency?.(record.clientId, 'Cognito keeps the updated settings the registry refused', restoreError);
    });
    if (error instanceof ClientNotActiveError) throw new InvalidTokenError(INVALID);
    throw error;
  }
  return registrationResponse(
    { ...record, ...fields, updatedAt: now },
    policy,
  );
}

/**
 * Deletes the client (RFC 7592 §2.3). The registry row is marked deleted first, so the authorizer
 * refuses the client's tokens at once whatever happens next; then the Cognito app client and the
 * row go. If Cognito fails, the row stays marked and the scheduled cleanup finishes the job.
 */
export async function deleteRegistration(
  record: DynamicClientRecord,
  dependencies: ManagementDependencies,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ completed: boolean }> {
  try {
    await dependencies.registry.markDeleted(record.clientId, nowSeconds);
  } catch (error) {
    if (error instanceof ClientNotActiveError) throw new InvalidTokenError(INVALID);
    throw error;
  }
  try {
    await dependencies.appClients.deleteClient(record.clientId);
    await dependencies.registry.remove(record.clientId);
    return { completed: true };
  } catch (error) {
    dependencies.onInconsistency?.(record.clientId, 'Deleted client left for the scheduled cleanup', error);
    return { completed: false };
  }
}
