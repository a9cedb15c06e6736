/**
 * The authorization response at the client's redirect URI (RFC 6749 §4.1.2, §4.1.2.1): `code` or
 * `error`, the client's `state` exactly as sent, and `iss` = our issuer on every one (RFC 9207),
 * which the metadata advertises. Parameters are added to whatever query the registered URI has.
 */
export type AuthorizationResult =
  | { code: string }
  | { error: string; errorDescription?: string | undefined };

export function authorizationResponseUrl(
  redirectUri: string,
  result: AuthorizationResult,
  state: string | undefined,
  issuer: string,
): string {
  const url = new URL(redirectUri);
  if ('code' in result) {
    url.searchParams.set('code', result.code);
  } else {
    url.searchParams.set('error', result.error);
    if (result.errorDescription) url.searchParams.set('error_description', result.errorDescription);
  }
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return url.href;
}
