import { jsonResponse } from '../../lib/http/json-response.js';
import type { DynamicClientRecord } from '../../lib/client-record.js';
import { appClientRequest } from '../app-client-request.js';
import { ClientNotActiveError } from '../client-registry.js';
import { type ClientMetadata, RegistrationError, parseClientMetadata } from '../client-metadata.js';
import { InvalidTokenError } from '../errors.js';
import type { DcrContext } from '../http/context.js';
import { type RegistrationPolicy, epochSeconds } from '../register/policy.js';
import { grantScopes } from '../register/scopes.js';
import { readRegistrationBody } from '../registration-request.js';
import { metadataFields, registrationResponse } from '../registration-response.js';
import { secretsEqual } from '../registration-token.js';
import { INVALID, type ManagementDependencies } from './registration-access.js';

/** PUT: the body read and validated as at registration, then the update. */
export async function answerUpdate(ctx: DcrContext) {
  if (ctx.event.httpMethod !== 'PUT') return undefined;
  const { endpoint } = ctx;
  const body = readRegistrationBody(ctx.event, endpoint.maxBodyBytes) as Record<string, unknown>;
  const metadata = parseClientMetadata(body, endpoint.metadataPolicy);
  const updated = await updateRegistration(ctx.record!, metadata, body, endpoint.policy, endpoint.dependencies);
  endpoint.logger.info('Client registration updated', { clientId: ctx.record!.clientId });
  return jsonResponse(200, updated);
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
  const now = epochSeconds(policy);
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

