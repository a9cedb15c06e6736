import type { CodeGrants } from '../code-grants.js';
import { OAuthError } from '../errors.js';
import { type AppGrantDependencies, recordAppGrant } from './app-grant.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { type TokenAuthenticationDependencies, authenticateTokenClient, presentedTokenCredentials, unreadClient } from './client-authentication.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { CognitoTokenEndpoint, CognitoTokens } from './cognito-token-endpoint.js';
import { refreshTokenGrant } from './refresh-token.js';

/**
 * POST /token, in order: the form (parsed by the handler), the client's credentials, then one
 * grant. The authorization_code grant with a secret or a public client needs no registry read
 * (the code's binding carries the client and its method); an assertion, refresh_token and
 * client_credentials read the client's row once. The user's grants (authorization_code and
 * refresh_token) are then recorded, or refused when revoked, in one more round trip (app-grant.ts).
 */
export interface TokenDependencies extends TokenAuthenticationDependencies, AppGrantDependencies {
  grants: CodeGrants;
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
  const presented = presentedTokenCredentials(authorization, form);
  let response: TokenResponse;
  if (grantType === 'authorization_code' && presented.method !== 'private_key_jwt') {
    response = await authorizationCodeGrant(form, unreadClient(presented), deps);
  } else {
    const { client, registered } = await authenticateTokenClient(presented, deps);
    const row = { clientId: registered.appClientId, source: registered.source, grantTypes: registered.grantTypes, scope: registered.scope };
    response =
      grantType === 'authorization_code'
        ? await authorizationCodeGrant(form, client, deps)
        : grantType === 'refresh_token'
          ? await refreshTokenGrant(form, client, row, deps)
          : await clientCredentialsGrant(form, client, row, { ...deps, enabled: deps.clientCredentialsEnabled });
  }
  // A user's tokens (client_credentials has no user): before they leave, the grant is recorded.
  if (grantType !== 'client_credentials') await recordAppGrant(response.tokens, deps);
  const { tokens, scope } = response;
  return {
    grantType,
    clientId: presented.clientId,
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
