import { SCOPE_NAMES, type ScopeName, fullScope } from '../../lib/oauth/metadata.js';
import type { CallerIdentity } from '../../lib/identity.js';

/**
 * The MCP scopes (read, write, admin) a caller holds: those its token grants by full name
 * (`{resourceUrl}/read`; a scope of another resource server never counts), plus those its
 * Cognito groups grant through the configured mapping.
 */
export function grantedScopes(
  caller: Pick<CallerIdentity, 'scopes' | 'groups'>,
  resourceUrl: string,
  groupScopes: Readonly<Record<string, readonly ScopeName[]>>,
): ReadonlySet<ScopeName> {
  const granted = new Set<ScopeName>();
  for (const name of SCOPE_NAMES) {
    if (caller.scopes.includes(fullScope(resourceUrl, name))) granted.add(name);
  }
  for (const group of caller.groups) {
    for (const name of groupScopes[group] ?? []) granted.add(name);
  }
  return granted;
}
