import { oauthError } from '../errors.js';
import type { AuthorizeContext, AuthorizeDependencies } from './context.js';

export const OFFLINE_ACCESS = 'offline_access';

/**
 * Scopes as short (`read`) or full (`{resource}/read`) names. `offline_access` is accepted and
 * noted but never sent to Cognito, which refuses it and always issues a refresh token for the
 * code flow. A scope the client may not have (or that this server does not know) is refused,
 * as Cognito would refuse it after the user signed in. Nothing requested: the client's scopes.
 */
export function checkScope(ctx: AuthorizeContext, deps: AuthorizeDependencies): void {
  const client = ctx.client!;
  const requested = (ctx.params.scope ?? '').split(' ').filter((scope) => scope.length > 0);
  if ((ctx.params.scope ?? '').length > 1024) throw oauthError('invalid_scope', 'The scope parameter is too long');
  const scopes: string[] = [];
  for (const scope of requested) {
    if (scope === OFFLINE_ACCESS) {
      ctx.offlineAccess = true;
      continue;
    }
    const full = scope.includes('/') ? scope : `${deps.resource}/${scope}`;
    const known = deps.serverScopes.includes(full);
    const allowed = client.scopes.length === 0 ? known : client.scopes.includes(full);
    if (!allowed) throw oauthError('invalid_scope', 'The request names a scope this client may not have');
    if (!scopes.includes(full)) scopes.push(full);
  }
  ctx.scopes = scopes.length > 0 ? scopes : [...client.scopes];
}
