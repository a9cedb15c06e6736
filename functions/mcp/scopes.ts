import { SCOPE_NAMES, type ScopeName, fullScope } from '../../lib/oauth/metadata.js';
import type { CallerIdentity } from '../../lib/identity.js';
import type { ScopeRefusal } from './insufficient-scope.js';

/**
 * The MCP scopes (read, write, admin) a caller holds: those its token grants by full name
 * (`{resourceUrl}/read`; a scope of another resource server never counts), plus, when the client
 * is one the operator registered, those its Cognito groups grant through the configured mapping.
 * A dynamically registered client gets only what its token carries, which DCR never makes admin:
 * otherwise anyone could register a lookalike client and inherit an administrator's powers the
 * moment the administrator signed in with it.
 */
export function grantedScopes(
  caller: Pick<CallerIdentity, 'scopes' | 'groups' | 'clientSource'>,
  resourceUrl: string,
  groupScopes: Readonly<Record<string, readonly ScopeName[]>>,
): ReadonlySet<ScopeName> {
  const granted = new Set<ScopeName>();
  for (const name of SCOPE_NAMES) {
    if (caller.scopes.includes(fullScope(resourceUrl, name))) granted.add(name);
  }
  if (caller.clientSource !== 'operator') return granted;
  for (const group of caller.groups) {
    for (const name of groupScopes[group] ?? []) granted.add(name);
  }
  return granted;
}

/**
 * How to refuse a caller that lacks `required`: with a step-up challenge only when signing in
 * again can get its client that scope. A dynamically registered client can be granted only what
 * the operator lets DCR grant (`dcrAllowedScopes`; group scopes never apply to it). An app client
 * the operator registered may be granted any scope, by its Cognito settings or through a group
 * (which needs a new token too); the server cannot see which, so it challenges. An API key is not
 * an OAuth client at all: only a new key helps. The challenge names the scopes of this resource
 * the token already has, less any the client could no longer get, plus the one it lacks.
 */
export function scopeRefusal(
  caller: Pick<CallerIdentity, 'authMethod' | 'clientSource' | 'scopes'>,
  required: ScopeName,
  resourceUrl: string,
  dcrAllowedScopes: readonly ScopeName[],
): ScopeRefusal {
  if (caller.authMethod === 'api_key') return { kind: 'not_grantable', reason: 'api_key' };
  const obtainable: readonly ScopeName[] = caller.clientSource === 'operator' ? SCOPE_NAMES : dcrAllowedScopes;
  if (!obtainable.includes(required)) {
    return { kind: 'not_grantable', reason: 'dynamic_client', grantable: obtainable.map((name) => fullScope(resourceUrl, name)) };
  }
  const kept = obtainable.filter((name) => name !== required && caller.scopes.includes(fullScope(resourceUrl, name)));
  return { kind: 'step_up', challengeScopes: [...kept, required].map((name) => fullScope(resourceUrl, name)) };
}
