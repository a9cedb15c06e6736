import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

/** Only the authorization code flow (OAuth 2.1 has no implicit grant). */
export function checkResponseType(ctx: AuthorizeContext): void {
  const type = ctx.params.response_type;
  if (type === undefined) throw oauthError('invalid_request', 'The request has no response_type');
  if (type !== 'code') throw oauthError('unsupported_response_type', 'Only response_type=code is supported');
}
