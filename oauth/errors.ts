/**
 * The OAuth errors the facade answers with (RFC 6749 §4.1.2.1 for the authorization endpoint,
 * §5.2 for the token endpoint), as one typed class like the authorizer's denials: every refusal
 * names its code and a fixed description written here, never text from the request.
 */
export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'consent_required'
  | 'login_required'
  | 'interaction_required'
  | 'invalid_target'
  // Not RFC 6749 §4.1.2.1 (no redirect URI is known yet): only ever shown on the error page.
  | 'invalid_client';

export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'server_error'
  | 'temporarily_unavailable';

export type OAuthErrorCode = AuthorizeErrorCode | TokenErrorCode;

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    /** HTTP status when the error is answered directly (token endpoint, error page). */
    readonly status = code === 'invalid_client' ? 401 : code === 'server_error' ? 500 : code === 'temporarily_unavailable' ? 503 : 400,
  ) {
    super(description);
  }
}

export const oauthError = (code: OAuthErrorCode, description: string, status?: number) =>
  new OAuthError(code, description, status);

/** Anything unexpected becomes server_error (its detail goes to the log, not to the client). */
export function asOAuthError(error: unknown): OAuthError {
  return error instanceof OAuthError ? error : new OAuthError('server_error', 'The authorization server failed; try again later');
}
