import { AppAccessRevokedError, type AppGrants } from '../../lib/app-grants.js';
import { unverifiedClaims } from '../../lib/unverified-claims.js';
import { OAuthError } from '../errors.js';
import type { TokenContext } from './context.js';

export interface AppGrantDependencies {
  appGrants: AppGrants;
  /** How long a grant row lives after its sign-in (lib/user-revocation.ts sessionRevocationSeconds). */
  sessionSeconds: number;
  now: () => number;
}

/**
 * Connected apps (lib/app-grants.ts): records the user's grant to the application whose tokens
 * Cognito just issued, at the code exchange and at each refresh, and refuses them (invalid_grant)
 * when the user or an operator ended this application's access after the session's sign-in.
 * The access token came from Cognito over TLS a moment ago: its claims are read, not verified.
 * One TransactWriteItems; a token without the claims this needs is refused (fail closed).
 * client_credentials has no user, so no grant.
 */
export async function recordAppGrant(ctx: TokenContext, deps: AppGrantDependencies): Promise<void> {
  if (ctx.grantType === 'client_credentials') return;
  const claims = unverifiedClaims(ctx.response!.tokens.access_token);
  const sub = claims?.sub;
  const clientId = claims?.client_id;
  const authTime = claims?.auth_time ?? claims?.iat;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof authTime !== 'number') {
    throw new OAuthError('server_error', 'The authorization server answered with an access token the facade cannot read');
  }
  const scope = typeof claims?.scope === 'string' ? claims.scope : '';
  try {
    await deps.appGrants.record({ sub, clientId, scope, authTime, now: deps.now(), sessionSeconds: deps.sessionSeconds });
  } catch (error) {
    if (error instanceof AppAccessRevokedError) {
      throw new OAuthError('invalid_grant', 'Access for this application was ended by the user or an operator: sign in again');
    }
    throw error;
  }
}
