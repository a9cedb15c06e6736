import { type ClientMetadata, RegistrationError } from '../client-metadata.js';
import type { RegistrationPolicy } from './policy.js';

/**
 * Requested scopes, kept only where the operator allows them. Short names (`read`) and full
 * names (`{resourceServerId}/read`) are both accepted. Unknown or disallowed scopes (admin by
 * default, offline_access, other servers' scopes) are dropped, not an error (RFC 7591 §2: the
 * server may grant less). Nothing requested, or nothing grantable requested: the default set.
 */
export function grantScopes(requested: string | undefined, policy: RegistrationPolicy): string[] {
  const wanted = new Set(
    (requested ?? '')
      .split(' ')
      .filter((scope) => scope.length > 0)
      .map((scope) => (scope.includes('/') ? scope : `${policy.resourceServerId}/${scope}`)),
  );
  const granted = policy.allowedScopes.filter((scope) => wanted.has(scope));
  return granted.length > 0 ? granted : [...policy.allowedScopes];
}

/** The scopes a new client gets; a server that grants dynamic clients none registers none. */
export function registrationScopes(metadata: ClientMetadata, policy: RegistrationPolicy): string[] {
  if (policy.allowedScopes.length === 0) {
    throw new RegistrationError('invalid_client_metadata', 'scope: this server grants no scopes to dynamic clients');
  }
  return grantScopes(metadata.scope, policy);
}
