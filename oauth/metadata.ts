import { ASSERTION_ALGORITHMS } from '../dcr/cimd/client-keys.js';
import { MCP_PATH, type ScopeName, fullScope } from '../lib/oauth/scopes.js';

/**
 * The discovery documents an MCP client reads before it can log in:
 * RFC 9728 protected resource metadata for the MCP endpoint, and an RFC 8414 authorization server
 * document. The API is the authorization server its clients see (issuer = the API's public base
 * URL, which newer MCP clients require of the URL they fetched): its own authorization and token
 * endpoints (the facade in oauth/, which sends the browser on to Cognito's sign-in), registration
 * and revocation. Cognito stays the identity provider and the token issuer.
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
  /** Clients may use a Client ID Metadata Document URL as client_id. */
  clientIdMetadataDocuments?: boolean;
  /** The user pool's JWKS (for the OpenID configuration document). */
  jwksUri?: string;
}

export { MCP_PATH, SCOPE_NAMES, type ScopeName, fullScope } from '../lib/oauth/scopes.js';

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
    authorization_endpoint: `${settings.publicBaseUrl}/authorize`,
    token_endpoint: `${settings.publicBaseUrl}/token`,
    registration_endpoint: `${settings.publicBaseUrl}/register`,
    // offline_access here only (never in the resource metadata or a challenge): clients that
    // want a refresh token ask for it; the facade accepts it and Cognito always issues one.
    scopes_supported: [...settings.clientScopes.map((name) => fullScope(settings.resourceServerId, name)), 'offline_access'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      ...(settings.clientCredentialsEnabled ? ['client_credentials'] : []),
    ],
    token_endpoint_auth_methods_supported: clientAuthMethods(settings),
    revocation_endpoint: `${settings.publicBaseUrl}/revoke`,
    revocation_endpoint_auth_methods_supported: clientAuthMethods(settings),
    ...(settings.clientIdMetadataDocuments && {
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    }),
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: every authorization response carries iss (clients must then check it).
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: settings.clientIdMetadataDocuments ?? false,
  };
}

const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;

/**
 * private_key_jwt (RFC 7523 assertions, oauth/client-auth/) only where a client can use it: CIMD
 * clients whose documents publish keys. A document offering both none and private_key_jwt may
 * use either, so listing it changes nothing for clients that do not sign.
 */
const clientAuthMethods = (settings: MetadataSettings): string[] => [...CLIENT_AUTH_METHODS, ...(settings.clientIdMetadataDocuments ? ['private_key_jwt'] : [])];

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
