import { jsonResponse } from '../../lib/http/json-response.js';
import { OAuthError, asOAuthError } from '../errors.js';
import { BASIC_CHALLENGE } from './client-authentication.js';
import type { TokenOutcome } from './outcome.js';

/**
 * What POST /token answers, CORS included: any origin, no credentials (the endpoint holds no ambient
 * authority: no cookies; a code needs its PKCE verifier, the other grants a secret or a refresh
 * token), and never cached.
 */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function cors(origin: string | undefined): Record<string, string> {
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
}

/** OPTIONS, answered before any step. */
export function tokenPreflight(origin: string | undefined) {
  return {
    statusCode: 204,
    headers: {
      ...cors(origin),
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
      ...NO_STORE,
    },
    body: '',
  };
}

export const tokensAnswer = (outcome: TokenOutcome, origin: string | undefined) => jsonResponse(200, outcome.body, { ...NO_STORE, ...cors(origin) });

/**
 * A refusal as RFC 6749 §5.2 JSON: a 401 challenges Basic; server_error (anything unexpected, or a
 * token the facade cannot read) is 503 temporarily_unavailable with Retry-After, and when it was not
 * an OAuthError its description says only to try again.
 */
export function tokenErrorAnswer(error: unknown, origin: string | undefined) {
  const oauth = asOAuthError(error);
  const status = oauth.code === 'server_error' ? 503 : oauth.status;
  const code = oauth.code === 'server_error' ? 'temporarily_unavailable' : oauth.code;
  const headers: Record<string, string> = { ...NO_STORE, ...cors(origin) };
  if (status === 401) headers['WWW-Authenticate'] = BASIC_CHALLENGE;
  if (status === 503) headers['Retry-After'] = '5';
  return jsonResponse(status, { error: code, error_description: status === 503 && !(error instanceof OAuthError) ? 'Try again later' : oauth.description }, headers);
}
