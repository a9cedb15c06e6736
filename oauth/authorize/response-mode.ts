import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

/** Responses go in the query of the redirect URI; no fragment or form_post modes. */
export function checkResponseMode(ctx: AuthorizeContext): void {
  const mode = ctx.params.response_mode;
  if (mode !== undefined && mode !== 'query') throw oauthError('invalid_request', 'Only response_mode=query is supported');
}
