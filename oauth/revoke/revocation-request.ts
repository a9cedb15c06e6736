import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue, requestBodyBytes } from '../../lib/http/request-body.js';
import { FormError, MAX_FORM_BYTES, readOAuthForm } from '../client-auth/form.js';
import type { RevocationForm } from './client-authentication.js';
import type { RevocationContext } from './context.js';
import { RevocationRequestError } from './errors.js';

/**
 * The body of a revocation request (RFC 7009 §2.1): the shared form reader (oauth/client-auth/form.ts:
 * form-encoded, bounded, strict UTF-8, each parameter at most once), answered in RFC 7009's form.
 */
export const MAX_REVOCATION_BODY_BYTES = MAX_FORM_BYTES;

export function readRevocationForm(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>): RevocationForm {
  let form: Record<string, string>;
  try {
    form = readOAuthForm(requestBodyBytes(event), headerValue(event.headers, 'content-type'));
  } catch (error) {
    if (error instanceof FormError) throw new RevocationRequestError(error.tooLarge ? 413 : 400, 'invalid_request', error.message);
    throw error;
  }
  return {
    token: form.token,
    tokenTypeHint: form.token_type_hint,
    clientId: form.client_id,
    clientSecret: form.client_secret,
    clientAssertionType: form.client_assertion_type,
    clientAssertion: form.client_assertion,
  };
}

export function readForm(ctx: RevocationContext): undefined {
  ctx.form = readRevocationForm(ctx.request);
  return undefined;
}

/** The one parameter RFC 7009 §2.1 requires. */
export function requireToken(ctx: RevocationContext): undefined {
  if (!ctx.form!.token) throw new RevocationRequestError(400, 'invalid_request', 'token: is required');
  ctx.token = ctx.form!.token;
  return undefined;
}

/** The hint as it may be logged: only the values RFC 7009 §2.1 defines, anything else is "other". */
export function loggedTokenTypeHint(hint: string | undefined): 'access_token' | 'refresh_token' | 'other' | undefined {
  if (hint === undefined) return undefined;
  return hint === 'access_token' || hint === 'refresh_token' ? hint : 'other';
}
