import type { DynamicClientRecord } from '../../lib/client-record.js';
import { appClientRequest } from '../app-client-request.js';
import { type ClientMetadata, isConfidential } from '../client-metadata.js';
import { metadataFields, registrationResponse } from '../registration-response.js';
import { newRegistrationToken, sha256Hex } from '../registration-token.js';
import type { Registration, RegistrationDependencies, RegistrationPolicy } from './policy.js';

/**
 * The Cognito app client, then the registry row: both or neither (a row that cannot be written
 * deletes the app client). The answer carries the registration access token, shown this once, and
 * a confidential client's secret.
 */
export async function createClient(
  metadata: ClientMetadata,
  scopes: string[],
  fingerprint: string | undefined,
  now: number,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
): Promise<Registration> {
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
      ...(isConfidential(metadata.token_endpoint_auth_method) && clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
      registration_access_token: registrationToken,
    },
  };
}
