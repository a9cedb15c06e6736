import { headerValue, requestBodyBytes } from '../../lib/http/request-body.js';
import { FormError, readOAuthForm } from '../client-auth/form.js';
import { OAuthError } from '../errors.js';
import type { TokenContext } from './context.js';

/** The token request body (oauth/client-auth/form.ts), refused as RFC 6749 §5.2 invalid_request. */
export function parseTokenForm(body: Buffer, contentType: string | undefined): Record<string, string> {
  try {
    return readOAuthForm(body, contentType);
  } catch (error) {
    if (error instanceof FormError) throw new OAuthError('invalid_request', error.message);
    throw error;
  }
}

export function readTokenForm(ctx: TokenContext): void {
  ctx.form = parseTokenForm(requestBodyBytes(ctx.request), headerValue(ctx.request.headers, 'content-type'));
}
