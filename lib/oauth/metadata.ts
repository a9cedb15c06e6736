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
  /** Confidential clients may register for the client_credentials grant. */
  clientCredentialsEnabled?: boolean;
  /** The user pool's JWKS (for the OpenID configuration document). */
  jwksUri?: string;
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
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      ...(settings.clientCredentialsEnabled ? ['client_credentials'] : []),
    ],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint: `${settings.publicBaseUrl}/revoke`,
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    code_challenge_methods_supported: ['S256'],
  };
}

const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;

/**
 * The same authorization server metadata at the OpenID Connect discovery path, for clients that
 * only try that, plus the fields OpenID discovery requires. With the default execute-api URL the
 * issuer has the stage as its path, and `{issuer}/.well-known/openid-configuration` is the one
 * discovery URL the API can serve (RFC 8414's path-inserted form lies outside the stage).
 */
export function openIdConfiguration(settings: MetadataSettings) {
  return {
    ...authorizationServerMetadata(settings),
    ...(settings.jwksUri && { jwks_uri: settings.jwksUri }),
    userinfo_endpoint: `${settings.cognitoOAuthBaseUrl}/oauth2/userInfo`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
