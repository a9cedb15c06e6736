import { SCOPE_NAMES, type ScopeName, fullScope } from '../../lib/oauth/metadata.js';
import type { CallerIdentity } from '../../lib/identity.js';

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
