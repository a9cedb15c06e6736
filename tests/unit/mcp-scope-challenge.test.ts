import { describe, expect, it } from 'vitest';
import { bearerChallenge } from '../../functions/mcp/policy/bearer-challenge.js';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import { type ScopeRefusal, insufficientScopeResponse } from '../../functions/mcp/policy/insufficient-scope.js';
import { scopeRefusal } from '../../functions/mcp/policy/scopes.js';
import { tools } from '../../functions/mcp/tools/index.js';
import { SCOPE_NAMES } from '../../lib/oauth/scopes.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const scope = (name: string) => `${RESOURCE}/${name}`;

/**
 * A strict reading of a challenge, written from the RFCs rather than from the product:
 * RFC 7235 `Bearer 1#auth-param`, each a token "=" quoted-string; RFC 6750 §3: no escapes needed,
 * error and error_description of %x20-21 / %x23-5B / %x5D-7E, scope of scope-tokens
 * (%x21 / %x23-5B / %x5D-7E) separated by single spaces.
 */
function parseBearerChallenge(header: string): Record<string, string> {
  const match = /^Bearer (.*)$/.exec(header);
  if (!match) throw new Error(`not a Bearer challenge: ${header}`);
  const params: Record<string, string> = {};
  const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)="([^"\\]*)"(?:, |$)/;
  let rest = match[1]!;
  while (rest.length > 0) {
    const found = param.exec(rest);
    if (!found) throw new Error(`not an auth-param list with quoted values: ${rest}`);
    if (found[1]! in params) throw new Error(`${found[1]} twice`);
    params[found[1]!] = found[2]!;
    rest = rest.slice(found[0].length);
  }
  for (const [name, value] of Object.entries(params)) {
    const charset = name === 'scope' ? /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/ : /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;
    if (!charset.test(value)) throw new Error(`${name}="${value}" has characters RFC 6750 forbids`);
  }
  return params;
}

const stepUp = (tool: string, required: string, challengeScopes: string[]) =>
  insufficientScopeResponse({
    id: 7,
    target: { kind: 'tool', name: tool },
    requiredScope: scope(required),
    resourceMetadataUrl: METADATA,
    refusal: { kind: 'step_up', challengeScopes: challengeScopes.map(scope) },
  });

describe('the 403 scope challenge', () => {
  it('is a valid RFC 6750 challenge for every tool and scope, with the same value in header and body', () => {
    for (const tool of tools) {
      const response = stepUp(tool.name, tool.scope, [...new Set(['read', tool.scope])]);
      const header = response.headers!['WWW-Authenticate'] as string;
      const params = parseBearerChallenge(header);
      expect(params).toEqual({
        error: 'insufficient_scope',
        scope: [...new Set(['read', tool.scope])].map(scope).join(' '),
        resource_metadata: METADATA,
        error_description: `The tool ${tool.name} requires the scope ${scope(tool.scope)}`,
      });
      expect(JSON.parse(response.body).error.data.www_authenticate).toBe(header);
    }
  });

  it('refuses to build a challenge whose values RFC 6750 does not allow, rather than send it', () => {
    expect(() => bearerChallenge({ error: 'insufficient_scope', error_description: 'the tool "x"' })).toThrow(/error_description/);
    expect(() => bearerChallenge({ error: 'insufficient_scope', error_description: 'back\\slash' })).toThrow(/RFC 6750/);
    expect(() => bearerChallenge({ error: 'insufficient_scope', scope: 'a  b' })).toThrow(/scope/);
    expect(() => bearerChallenge({ error: 'insufficient_scope', scope: 'caf\u00e9' })).toThrow(/scope/);
    expect(bearerChallenge({ error: 'insufficient_scope', scope: 'a b' })).toBe('Bearer error="insufficient_scope", scope="a b"');
  });

  it('refuses at cold start a resource URL or base URL that could not go into a challenge as it is', () => {
    const env = { PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: RESOURCE, MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' };
    expect(() => loadMcpConfig({ ...env, MCP_RESOURCE_URL: 'https://mcp.example.com/m"cp' })).toThrow(/MCP_RESOURCE_URL/);
    expect(() => loadMcpConfig({ ...env, PUBLIC_BASE_URL: 'https://mcp.example.com/a"b' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('carries no challenge at all when signing in again cannot help', () => {
    for (const refusal of [
      { kind: 'not_grantable', reason: 'dynamic_client', grantable: [scope('read'), scope('write')] },
      { kind: 'not_grantable', reason: 'api_key' },
    ] satisfies ScopeRefusal[]) {
      const response = insufficientScopeResponse({ id: 7, target: { kind: 'tool', name: 'users_revoke_tokens' }, requiredScope: scope('admin'), resourceMetadataUrl: METADATA, refusal });
      expect(response.statusCode).toBe(403);
      expect(Object.keys(response.headers!).map((name) => name.toLowerCase())).not.toContain('www-authenticate');
      const body = JSON.parse(response.body);
      expect(body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32003, data: { required_scope: scope('admin'), step_up: false, reason: refusal.reason } } });
      expect(body.error.data).not.toHaveProperty('www_authenticate');
      expect(body.error.data).not.toHaveProperty('scope');
      expect(body.error.message).toContain(scope('admin'));
    }
  });
});

describe('scopeRefusal: a step-up only to scopes the client can obtain', () => {
  const dynamic = { authMethod: 'jwt', clientTrust: 'dynamic' } as const;
  const operator = { authMethod: 'jwt', clientTrust: 'operator' } as const;

  it('challenges a dynamic client to a scope DCR grants, keeping the scopes it has', () => {
    expect(scopeRefusal({ ...dynamic, scopes: [scope('read')] }, 'write', RESOURCE, ['read', 'write'])).toEqual({
      kind: 'step_up',
      challengeScopes: [scope('read'), scope('write')],
    });
  });

  it('does not invite a dynamic client to a scope DCR never grants it', () => {
    expect(scopeRefusal({ ...dynamic, scopes: [scope('read'), scope('write')] }, 'admin', RESOURCE, ['read', 'write'])).toEqual({
      kind: 'not_grantable',
      reason: 'dynamic_client',
      grantable: [scope('read'), scope('write')],
    });
    // Not even when the operator lets DCR grant it: admin counts only with a group, and groups
    // count only through operator clients.
    expect(scopeRefusal({ ...dynamic, scopes: [scope('read')] }, 'admin', RESOURCE, [...SCOPE_NAMES])).toEqual({
      kind: 'not_grantable',
      reason: 'dynamic_client',
      grantable: [scope('read'), scope('write')],
    });
  });

  it('leaves out of the challenge a scope the token has that DCR no longer grants', () => {
    expect(scopeRefusal({ ...dynamic, scopes: [scope('admin'), scope('read'), 'openid'] }, 'write', RESOURCE, ['read', 'write'])).toEqual({
      kind: 'step_up',
      challengeScopes: [scope('read'), scope('write')],
    });
  });

  it("challenges an operator's client to any scope its app client settings may grant", () => {
    expect(scopeRefusal({ ...operator, scopes: [scope('read')] }, 'write', RESOURCE, ['read'])).toEqual({
      kind: 'step_up',
      challengeScopes: [scope('read'), scope('write')],
    });
  });

  it('does not invite an operator client to admin: only a group grants it, and signing in again changes no group', () => {
    expect(scopeRefusal({ ...operator, scopes: [scope('read'), scope('write'), scope('admin')] }, 'admin', RESOURCE, ['read'])).toEqual({
      kind: 'not_grantable',
      reason: 'group_required',
    });
  });

  it('never challenges an API key: only a new key helps', () => {
    expect(scopeRefusal({ authMethod: 'api_key', clientTrust: 'operator', scopes: [scope('read')] }, 'write', RESOURCE, ['read', 'write'])).toEqual({
      kind: 'not_grantable',
      reason: 'api_key',
    });
  });

  it('reads what DCR may grant from DCR_ALLOWED_SCOPES, the parameter the registration endpoint reads', () => {
    const env = { PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: RESOURCE, MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' };
    expect(loadMcpConfig(env).dcrAllowedScopes).toEqual(['read', 'write']);
    expect(loadMcpConfig({ ...env, DCR_ALLOWED_SCOPES: 'read' }).dcrAllowedScopes).toEqual(['read']);
    expect(() => loadMcpConfig({ ...env, DCR_ALLOWED_SCOPES: 'read root' })).toThrow(/DCR_ALLOWED_SCOPES/);
  });
});
