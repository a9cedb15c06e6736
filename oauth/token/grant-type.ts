import { OAuthError } from '../errors.js';
import type { GrantType, TokenContext } from './context.js';

const GRANTS: readonly string[] = ['authorization_code', 'refresh_token', 'client_credentials'] satisfies GrantType[];

/** grant_type: present, and one of the grants this server issues (checked before anyone is authenticated). */
export function checkGrantType(ctx: TokenContext): void {
  const grantType = ctx.form!.grant_type;
  if (!grantType) throw new OAuthError('invalid_request', 'The request has no grant_type');
  if (!GRANTS.includes(grantType)) throw new OAuthError('unsupported_grant_type', 'Supported grants: authorization_code, refresh_token, client_credentials');
  ctx.grantType = grantType as GrantType;
}

/** The grant as logged: only the three this server knows by name, anything else "other", "unknown" when the form could not be read. */
export function loggedGrant(form: Record<string, string> | undefined): string {
  if (!form) return 'unknown';
  return GRANTS.includes(form.grant_type ?? '') ? form.grant_type! : 'other';
}
