import type { ClientRegistry } from '../../dcr/client-registry.js';
import type { CodeGrants } from '../code-grants.js';
import { OAuthError } from '../errors.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { authenticateClient } from './client-authentication.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { CognitoTokenEndpoint, CognitoTokens } from './cognito-token-endpoint.js';
import { refreshTokenGrant } from './refresh-token.js';

/**
 * POST /token, in order: the form (parsed by the handler), the client's authentication method,
 * then one grant. The authorization_code grant needs no registry read (the code's binding carries
 * the client and its method); refresh_token and client_credentials read the client's row once.
 */
export interface TokenDependencies {
  grants: CodeGrants;
  registry: Pick<ClientRegistry, 'get'>;
  cognito: CognitoTokenEndpoint;
  callbackUrl: string;
  resource: string;
  clientCredentialsEnabled: boolean;
  now: () => number;
}

export interface TokenResponse {
  tokens: CognitoTokens;
  scope?: string;
}

export interface TokenOutcome {
  grantType: string;
  clientId: string;
  body: Record<string, unknown>;
}

const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'];

export async function handleTokenRequest(
  form: Record<string, string>,
  authorization: string | undefined,
  deps: TokenDependencies,
): Promise<TokenOutcome> {
  const grantType = form.grant_type;
  if (!grantType) throw new OAuthError('invalid_request', 'The request has no grant_type');
  if (!GRANTS.includes(grantType)) throw new OAuthError('unsupported_grant_type', 'Supported grants: authorization_code, refresh_token, client_credentials');
  const client = authenticateClient(authorization, form);
  let response: TokenResponse;
  if (grantType === 'authorization_code') {
    response = await authorizationCodeGrant(form, client, deps);
  } else {
    const found = await deps.registry.get(client.clientId);
    if (!found || (found.status !== undefined && found.status !== 'active')) throw new OAuthError('invalid_client', 'Unknown client', 401);
    // A CIMD client's row is its alias (keyed by the URL): its app client is aliasOf.
    const alias = found as unknown as { kind?: string; aliasOf?: string };
    const row = alias.kind === 'cimd' ? { ...found, clientId: alias.aliasOf!, source: 'cimd' as const, tokenEndpointAuthMethod: 'none' } : found;
    if (alias.kind !== 'cimd' && row.source === 'cimd') throw new OAuthError('invalid_client', 'Use the metadata document URL as client_id', 401);
    const registered = row.tokenEndpointAuthMethod ?? (row.source === 'manual' ? undefined : 'none');
    // Operator rows registered before the facade record no method: the one presented is taken, Cognito checks it.
    if (registered !== undefined && registered !== client.method) {
      throw new OAuthError('invalid_client', `This client authenticates with ${registered}`, 401);
    }
    response =
      grantType === 'refresh_token'
        ? await refreshTokenGrant(form, client, row, deps)
        : await clientCredentialsGrant(form, client, row, { ...deps, enabled: deps.clientCredentialsEnabled });
  }
  const { tokens, scope } = response;
  return {
    grantType,
    clientId: client.clientId,
    body: {
      access_token: tokens.access_token,
      token_type: tokens.token_type ?? 'Bearer',
      ...(tokens.expires_in !== undefined && { expires_in: tokens.expires_in }),
      ...(tokens.refresh_token !== undefined && { refresh_token: tokens.refresh_token }),
      ...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
      ...(scope && { scope }),
    },
  };
}
