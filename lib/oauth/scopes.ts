/** The MCP server's scopes: Cognito resource server scopes `{resource}/{name}`. */
export const MCP_PATH = '/mcp';
export const SCOPE_NAMES = ['read', 'write', 'admin'] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

export function fullScope(resourceServerId: string, name: ScopeName): string {
  return `${resourceServerId}/${name}`;
}

/**
 * Parses the operator's list of scopes dynamic clients may get (short names: read, write, admin).
 * Unknown names are a configuration error.
 */
export function parseScopeNames(names: string[]): ScopeName[] {
  const unknown = names.filter((name) => !(SCOPE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`Unknown scope names: ${unknown.join(', ')}`);
  return [...new Set(names)] as ScopeName[];
}

/** Full Cognito scope strings (`{resourceServerId}/{name}`) for the given short names. */
export function fullScopes(resourceServerId: string, names: readonly ScopeName[]): string[] {
  return names.map((name) => fullScope(resourceServerId, name));
}
