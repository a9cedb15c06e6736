import { describe, expect, it } from 'vitest';
import { fullScopes, parseScopeNames } from '../../lib/oauth/scopes.js';

describe('parseScopeNames', () => {
  it('accepts the known names', () => {
    expect(parseScopeNames(['read', 'write', 'admin'])).toEqual(['read', 'write', 'admin']);
  });

  it('accepts an empty list', () => {
    expect(parseScopeNames([])).toEqual([]);
  });

  it('removes duplicates, keeping the first occurrence order', () => {
    expect(parseScopeNames(['write', 'read', 'write', 'read'])).toEqual(['write', 'read']);
  });

  it('rejects unknown names and names only them', () => {
    expect(() => parseScopeNames(['read', 'root', 'delete'])).toThrow(/^Unknown scope names: root, delete$/);
  });

  it.each([['READ'], ['Read'], [' read'], [''], ['https://api.example.com/mcp/read'], ['openid']])(
    'rejects %j (names are exact, short and case-sensitive)',
    (name) => {
      expect(() => parseScopeNames(['read', name])).toThrow('Unknown scope names');
    },
  );
});

describe('fullScopes', () => {
  it('prefixes every name with the resource server id', () => {
    expect(fullScopes('https://api.example.com/mcp', ['read', 'admin'])).toEqual([
      'https://api.example.com/mcp/read',
      'https://api.example.com/mcp/admin',
    ]);
  });

  it('returns nothing for no names', () => {
    expect(fullScopes('rs', [])).toEqual([]);
  });
});
