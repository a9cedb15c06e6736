import type { AppClientRequest } from './cognito-app-clients.js';
import { type ClientMetadata, isConfidential } from './client-metadata.js';

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

/** The Cognito app client a dynamic client's metadata asks for (scope already granted). */
export function appClientRequest(metadata: ClientMetadata, scopes: string[]): AppClientRequest {
  return {
    name: cognitoClientName(metadata),
    scopes,
    grantTypes: metadata.grant_types,
    confidential: isConfidential(metadata.token_endpoint_auth_method),
  };
}
