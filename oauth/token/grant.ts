import type { ResolvedClient } from '../client-auth/authenticate.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { TokenContext, TokenDependencies } from './context.js';
import { refreshTokenGrant } from './refresh-token.js';

/**
 * The one grant the request names, each in its own file. authorization_code works from the code's
 * binding; refresh_token and client_credentials from the client's row authenticateClient read.
 */
export async function exchangeGrant(ctx: TokenContext, deps: TokenDependencies): Promise<void> {
  const form = ctx.form!;
  const client = ctx.client!;
  if (ctx.grantType === 'authorization_code') ctx.response = await authorizationCodeGrant(form, client, deps);
  else if (ctx.grantType === 'refresh_token') ctx.response = await refreshTokenGrant(form, client, rowOf(ctx.registered!), deps);
  else ctx.response = await clientCredentialsGrant(form, client, rowOf(ctx.registered!), { ...deps, enabled: deps.clientCredentialsEnabled });
}

/** A CIMD client's tokens are its app client's. */
const rowOf = (registered: ResolvedClient) => ({
  clientId: registered.appClientId,
  source: registered.source,
  grantTypes: registered.grantTypes,
  scope: registered.scope,
});
