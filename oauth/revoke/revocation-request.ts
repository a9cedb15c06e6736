import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue, mediaType, requestBodyBytes } from '../../lib/http/request-body.js';
import type { RevocationForm } from './client-authentication.js';
import { RevocationRequestError } from './errors.js';

/**
 * The body of a revocation request (RFC 7009 §2.1): form-encoded, bounded, each parameter at
 * most once (RFC 6749 §3.2: parameters MUST NOT be repeated; `token=a&token=b` would otherwise
 * mean whichever one a parser picks).
 */
export const MAX_REVOCATION_BODY_BYTES = 32_768;
const PARAMETERS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;

export function readRevocationForm(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>): RevocationForm {
  if (mediaType(headerValue(event.headers, 'content-type')) !== 'application/x-www-form-urlencoded') {
    throw new RevocationRequestError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const bytes = requestBodyBytes(event);
  if (bytes.length > MAX_REVOCATION_BODY_BYTES) {
    throw new RevocationRequestError(413, 'invalid_request', `The request body is larger than ${MAX_REVOCATION_BODY_BYTES} bytes`);
  }
  const form = new URLSearchParams(bytes.toString('utf8'));
  for (const name of PARAMETERS) {
    if (form.getAll(name).length > 1) throw new RevocationRequestError(400, 'invalid_request', `${name}: must not be repeated`);
  }
  const value = (name: (typeof PARAMETERS)[number]) => form.get(name) ?? undefined;
  return {
    token: value('token'),
    tokenTypeHint: value('token_type_hint'),
    clientId: value('client_id'),
    clientSecret: value('client_secret'),
  };
}

/** The hint as it may be logged: only the values RFC 7009 §2.1 defines, anything else is "other". */
export function loggedTokenTypeHint(hint: string | undefined): 'access_token' | 'refresh_token' | 'other' | undefined {
  if (hint === undefined) return undefined;
  return hint === 'access_token' || hint === 'refresh_token' ? hint : 'other';
}
