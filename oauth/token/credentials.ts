import { headerValue } from '../../lib/http/request-body.js';
import { ClientAuthenticationError, type PresentedCredentials, presentedCredentials } from '../client-auth/credentials.js';
import { OAuthError } from '../errors.js';
import type { TokenContext } from './context.js';

/** A failed client authentication (oauth/client-auth/) as an RFC 6749 §5.2 error: invalid_client is 401. */
export const asTokenError = (error: unknown): unknown =>
  error instanceof ClientAuthenticationError ? new OAuthError(error.code, error.message, error.code === 'invalid_client' ? 401 : 400) : error;

export function presentedTokenCredentials(authorization: string | undefined, form: Record<string, string>): PresentedCredentials {
  try {
    return presentedCredentials(authorization, form);
  } catch (error) {
    throw asTokenError(error);
  }
}

/** Exactly one authentication method, well-formed; whether it is right is the next step's question. */
export function readClientCredentials(ctx: TokenContext): void {
  ctx.presented = presentedTokenCredentials(headerValue(ctx.request.headers, 'authorization'), ctx.form!);
}
