import type { DynamicClientRecord } from '../lib/client-record.js';
import type { ClientMetadata } from './client-metadata.js';
import type { RegistrationPolicy } from './register/policy.js';

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
