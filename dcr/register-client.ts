import type { AppClients } from './cognito-app-clients.js';
import type { ClientRegistry, RegisteredClient } from './client-registry.js';
import { type ClientMetadata, RegistrationError } from './client-metadata.js';

export interface RegistrationPolicy {
  /** Cognito resource server identifier; granted scopes are `${id}/${name}`. */
  resourceServerId: string;
  /** Full scope strings a dynamic client may be granted. */
  allowedScopes: string[];
  now?: () => Date;
}

export interface RegistrationDependencies {
  appClients: AppClients;
  registry: ClientRegistry;
  /** Called when undoing a half-finished registration itself fails; the client id must be reported. */
  onOrphan?: (clientId: string, error: unknown) => void;
}

/**
 * Requested scopes, kept only where the operator allows them. Short names (`read`) and full
 * names (`{resourceServerId}/read`) are both accepted. Nothing requested: everything allowed.
 * Unknown or disallowed scopes are dropped, not an error (RFC 7591 §2: the server may grant less).
 */
export function grantScopes(requested: string | undefined, policy: RegistrationPolicy): string[] {
  if (requested === undefined || requested.trim() === '') return [...policy.allowedScopes];
  const wanted = new Set(
    requested
      .split(' ')
      .filter((scope) => scope.length > 0)
      .map((scope) => (scope.includes('/') ? scope : `${policy.resourceServerId}/${scope}`)),
  );
  return policy.allowedScopes.filter((scope) => wanted.has(scope));
}

/** Cognito client names allow only [\w\s+=,.@-], up to 128 characters. */
export function cognitoClientName(metadata: ClientMetadata): string {
  const cleaned = (metadata.client_name ?? 'MCP client').replace(/[^\w\s+=,.@-]/g, '').trim();
  return `dcr ${cleaned || 'MCP client'}`.slice(0, 128);
}

/** Registers a public client: a Cognito app client first, then the registry row, both or neither. */
export async function registerClient(
  metadata: ClientMetadata,
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
): Promise<Record<string, unknown>> {
  const scopes = grantScopes(metadata.scope, policy);
  if (scopes.length === 0) {
    throw new RegistrationError('invalid_client_metadata', 'scope: none of the requested scopes can be granted');
  }
  const grantTypes = [...new Set(metadata.grant_types)];
  const { clientId } = await dependencies.appClients.createPublicClient({
    name: cognitoClientName(metadata),
    redirectUris: metadata.redirect_uris,
    scopes,
    allowRefreshTokens: grantTypes.includes('refresh_token'),
  });
  const issuedAt = Math.floor((policy.now?.() ?? new Date()).getTime() / 1000);
  const record: RegisteredClient = {
    clientId,
    clientName: metadata.client_name ?? 'MCP client',
    redirectUris: metadata.redirect_uris,
    grantTypes,
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    scope: scopes.join(' '),
    clientUri: metadata.client_uri,
    logoUri: metadata.logo_uri,
    contacts: metadata.contacts,
    softwareId: metadata.software_id,
    softwareVersion: metadata.software_version,
    createdAt: issuedAt,
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
    client_id: clientId,
    client_id_issued_at: issuedAt,
    client_name: record.clientName,
    redirect_uris: record.redirectUris,
    grant_types: record.grantTypes,
    response_types: record.responseTypes,
    token_endpoint_auth_method: record.tokenEndpointAuthMethod,
    scope: record.scope,
    ...(record.clientUri && { client_uri: record.clientUri }),
    ...(record.logoUri && { logo_uri: record.logoUri }),
    ...(record.contacts && { contacts: record.contacts }),
    ...(record.softwareId && { software_id: record.softwareId }),
    ...(record.softwareVersion && { software_version: record.softwareVersion }),
  };
}
