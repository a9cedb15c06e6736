import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

export const MAX_QUERY_BYTES = 8192;

/**
 * RFC 6749 §3.1: parameters must not be repeated. Checked before anything else, and before the
 * redirect URI is trusted, so a repeated redirect_uri or client_id can never pick which value wins.
 */
export function singleValuedParameters(ctx: AuthorizeContext): void {
  if (ctx.queryLength > MAX_QUERY_BYTES) {
    throw oauthError('invalid_request', `The authorization request is longer than ${MAX_QUERY_BYTES} bytes`);
  }
  if (ctx.repeated.length > 0) {
    throw oauthError('invalid_request', `Parameters must not be repeated: ${ctx.repeated.sort().join(', ')}`.slice(0, 200));
  }
}
