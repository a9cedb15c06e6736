/**
 * The discovery documents an MCP client reads before it can log in:
 * RFC 9728 protected resource metadata for the MCP endpoint, and an RFC 8414 authorization server
 * document. Cognito is the authorization server, but its own discovery document has no
 * `registration_endpoint` and no `code_challenge_methods_supported`, and newer MCP clients reject
 * metadata whose `issuer` is not the URL they fetched it from, so the API publishes its own with
 * issuer = the API's public base URL, pointing the OAuth endpoints at Cognito.
 */

export interface MetadataSettings {
  /** Public URL of the API, no trailing slash (e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod). */
  publicBaseUrl: string;
  /** The Cognito domain serving /oauth2/*, no trailing slash. */
  cognitoOAuthBaseUrl: string;
  /** Cognito resource server identifier; scopes are `${id}/read` etc. */
  resourceServerId: string;
  /**
   * Scopes a dynamically registered client can obtain. MCP clients request every scope the
   * resource metadata lists, and Cognito refuses an authorization request naming a scope the app
   * client lacks, so the metadata lists exactly these.
   */
  clientScopes: readonly ScopeName[];
}

export const MCP_PATH = '/mcp';
export const SCOPE_NAMES = ['read', 'write', 'admin'] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

export function fullScope(resourceServerId: string, name: ScopeName): string {
  return `${resourceServerId}/${name}`;
}

export function protectedResourceMetadata(settings: MetadataSettings) {
  return {
    resource: `${settings.publicBaseUrl}${MCP_PATH}`,
    authorization_servers: [settings.publicBaseUrl],
    scopes_supported: settings.clientScopes.map((name) => fullScope(settings.resourceServerId, name)),
    bearer_methods_supported: ['header'],
    resource_name: 'MCP server',
  };
}

export function authorizationServerMetadata(settings: MetadataSettings) {
  return {
    issuer: settings.publicBaseUrl,
    authorization_endpoint: `${settings.cognitoOAuthBaseUrl}/oauth2/authorize`,
    token_endpoint: `${settings.cognitoOAuthBaseUrl}/oauth2/token`,
    registration_endpoint: `${settings.publicBaseUrl}/register`,
    scopes_supported: settings.clientScopes.map((name) => fullScope(settings.resourceServerId, name)),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
  };
}
