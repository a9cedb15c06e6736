import { SCOPE_NAMES, type ScopeName, fullScope } from '../../../lib/oauth/scopes.js';
import type { CallerIdentity } from '../../../lib/identity.js';
import type { ScopeRefusal } from './insufficient-scope.js';

/**
 * Scopes a signed-in user holds only through a Cognito group. Cognito puts into a token every
 * custom scope the app client allows and the client asks for, whoever signs in: an operator
 * client that allows `admin` would otherwise hand the admin tools to every user of the pool.
 * So a user's token scope `admin` counts only when one of the user's groups grants it too.
 * API keys are issued by the operator with their scopes, and keep them.
 */
export const GROUP_GATED_SCOPES: readonly ScopeName[] = ['admin'];

/**
 * The MCP scopes (read, write, admin) a caller holds: those its token grants by full name
 * (`{resourceUrl}/read`; a scope of another resource server never counts; a group-gated scope
 * only with the group, see GROUP_GATED_SCOPES), plus, when the client is one the operator
 * registered, those its Cognito groups grant through the configured mapping.
 * A dynamically registered client gets only what its token carries, which DCR never makes admin:
 * otherwise anyone could register a lookalike client and inherit an administrator's powers the
 * moment the administrator signed in with it.
 */
export function grantedScopes(
  caller: Pick<CallerIdentity, 'scopes' | 'groups' | 'clientTrust' | 'authMethod'>,
  resourceUrl: string,
  groupScopes: Readonly<Record<string, readonly ScopeName[]>>,
): ReadonlySet<ScopeName> {
  const fromGroups = new Set<ScopeName>();
  if (caller.clientTrust === 'operator') {
    for (const group of caller.groups) {
      for (const name of groupScopes[group] ?? []) fromGroups.add(name);
    }
  }
  const granted = new Set<ScopeName>(fromGroups);
  for (const name of SCOPE_NAMES) {
    if (!caller.scopes.includes(fullScope(resourceUrl, name))) continue;
    if (caller.authMethod === 'jwt' && GROUP_GATED_SCOPES.includes(name) && !fromGroups.has(name)) continue;
    granted.add(name);
  }
  return granted;
}

/**
 * How to refuse a caller that lacks `required`: with a step-up challenge only when signing in
 * again can get its client that scope. A dynamically registered client can be granted only what
 * the operator lets DCR grant (`dcrAllowedScopes`; group scopes never apply to it). An app client
 * the operator registered may be granted any scope but a group-gated one by its Cognito settings
 * (the server cannot see which, so it challenges); a group-gated scope only a group can give,
 * which no new sign-in changes. An API key is not
 * an OAuth client at all: only a new key helps. The challenge names the scopes of this resource
 * the token already has, less any the client could no longer get, plus the one it lacks.
 */
export function scopeRefusal(
  caller: Pick<CallerIdentity, 'authMethod' | 'clientTrust' | 'scopes'>,
  required: ScopeName,
  resourceUrl: string,
  dcrAllowedScopes: readonly ScopeName[],
): ScopeRefusal {
  if (caller.authMethod === 'api_key') return { kind: 'not_grantable', reason: 'api_key' };
  // A group-gated scope comes only from a group, through an operator client; had the user's
  // groups granted it, the caller would hold it already (grantedScopes).
  if (caller.clientTrust === 'operator' && GROUP_GATED_SCOPES.includes(required)) return { kind: 'not_grantable', reason: 'group_required' };
  const obtainable = (caller.clientTrust === 'operator' ? SCOPE_NAMES : dcrAllowedScopes).filter((name) => !GROUP_GATED_SCOPES.includes(name));
  if (!obtainable.includes(required)) {
    return { kind: 'not_grantable', reason: 'dynamic_client', grantable: obtainable.map((name) => fullScope(resourceUrl, name)) };
  }
  const kept = obtainable.filter((name) => name !== required && caller.scopes.includes(fullScope(resourceUrl, name)));
  return { kind: 'step_up', challengeScopes: [...kept, required].map((name) => fullScope(resourceUrl, name)) };
}
