import { oauthError } from '../errors.js';
import type { AuthorizeContext, AuthorizeDependencies } from './context.js';

/** client_id: a registered, active client (the lookup, with its lazy migration, is behind deps). */
export async function findClient(ctx: AuthorizeContext, deps: AuthorizeDependencies): Promise<void> {
  const clientId = ctx.params.client_id;
  if (!clientId) throw oauthError('invalid_request', 'The request has no client_id');
  ctx.client = await deps.findClient(clientId);
}
