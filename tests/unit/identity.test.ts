import { describe, expect, it } from 'vitest';
import { type CallerIdentity, fromAuthorizerContext, toAuthorizerContext } from '../../lib/identity.js';

const identity: CallerIdentity = {
  principal: '0f4c1f2e-1111-2222-3333-444455556666',
  authMethod: 'jwt',
  sub: '0f4c1f2e-1111-2222-3333-444455556666',
  username: 'alice@example.com',
  clientId: '4abcdefghijklmnopqrstuvwx',
  scopes: ['https://api.example.com/mcp/read', 'https://api.example.com/mcp/write'],
  groups: ['mcp-admins', 'staff'],
  tokenId: 'jti-1234',
  expiresAt: 1_700_000_000,
  clientTrust: 'dynamic',
};

describe('toAuthorizerContext', () => {
  it('flattens the identity into strings', () => {
    expect(toAuthorizerContext(identity)).toEqual({
      principal: identity.sub,
      auth_method: 'jwt',
      sub: identity.sub,
      username: 'alice@example.com',
      client_id: identity.clientId,
      scope: 'https://api.example.com/mcp/read https://api.example.com/mcp/write',
      groups: 'mcp-admins staff',
      jti: 'jti-1234',
      exp: '1700000000',
      client_source: 'dynamic',
    });
  });

  it('carries a CIMD client\'s document URL back to the functions, and refuses one that is not a URL', () => {
    const cimd = { ...identity, clientMetadataUrl: 'https://client.example.org/oauth/client.json' };
    const context = toAuthorizerContext(cimd);
    expect(context.client_metadata_url).toBe('https://client.example.org/oauth/client.json');
    expect(fromAuthorizerContext(context)).toEqual(cimd);
    expect(fromAuthorizerContext({ ...context, client_metadata_url: 'javascript:alert(1)' })).toBeUndefined();
    expect(fromAuthorizerContext(toAuthorizerContext(identity))).not.toHaveProperty('clientMetadataUrl');
  });

  it('produces only string values', () => {
    const context = toAuthorizerContext(identity);
    expect(Object.keys(context).length).toBe(10);
    for (const value of Object.values(context)) expect(typeof value).toBe('string');
  });

  it('turns empty lists into empty strings', () => {
    const context = toAuthorizerContext({ ...identity, scopes: [], groups: [] });
    expect(context.scope).toBe('');
    expect(context.groups).toBe('');
  });

  it.each([
    ['a space in a group', { groups: ['mcp admins'] }],
    ['a tab in a group', { groups: ['mcp\tadmins'] }],
    ['a newline in a group', { groups: ['admins\n'] }],
    ['a non-breaking space in a group', { groups: ['mcp\u00a0admins'] }],
    ['a space in a scope', { scopes: ['read write'] }],
  ])('throws for %s', (_label, change) => {
    expect(() => toAuthorizerContext({ ...identity, ...change })).toThrow('Scopes and groups must not contain whitespace');
  });
});

describe('fromAuthorizerContext', () => {
  it('round-trips an identity', () => {
    expect(fromAuthorizerContext(toAuthorizerContext(identity))).toEqual(identity);
  });

  it('round-trips an identity without scopes or groups', () => {
    const bare = { ...identity, scopes: [], groups: [] };
    expect(fromAuthorizerContext(toAuthorizerContext(bare))).toEqual(bare);
  });

  it('survives a JSON round trip of the context (as API Gateway transports it)', () => {
    const transported: unknown = JSON.parse(JSON.stringify(toAuthorizerContext(identity)));
    expect(fromAuthorizerContext(transported)).toEqual(identity);
  });

  it('ignores the fields API Gateway adds to the context', () => {
    const context = { ...toAuthorizerContext(identity), principalId: identity.sub, integrationLatency: 12 };
    expect(fromAuthorizerContext(context)).toEqual(identity);
  });

  it('accepts exp as a number', () => {
    const context = { ...toAuthorizerContext(identity), exp: 1_700_000_000 };
    expect(fromAuthorizerContext(context)?.expiresAt).toBe(1_700_000_000);
  });

  it('ignores repeated spaces in the lists', () => {
    const context = { ...toAuthorizerContext(identity), scope: '  read   write ', groups: ' a  b ' };
    const result = fromAuthorizerContext(context);
    expect(result?.scopes).toEqual(['read', 'write']);
    expect(result?.groups).toEqual(['a', 'b']);
  });

  const valid = toAuthorizerContext(identity);
  const without = (key: keyof typeof valid) => {
    const copy: Record<string, unknown> = { ...valid };
    delete copy[key];
    return copy;
  };

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'sub=x'],
    ['a number', 42],
    ['an array', [valid]],
    ['an empty object', {}],
    ['no sub', without('sub')],
    ['no username', without('username')],
    ['no client_id', without('client_id')],
    ['no scope', without('scope')],
    ['no groups', without('groups')],
    ['no jti', without('jti')],
    ['no exp', without('exp')],
    ['an empty sub', { ...valid, sub: '' }],
    ['an empty username', { ...valid, username: '' }],
    ['an empty client_id', { ...valid, client_id: '' }],
    ['a non-numeric exp', { ...valid, exp: 'tomorrow' }],
    ['an empty exp', { ...valid, exp: '' }],
    ['a negative exp', { ...valid, exp: '-1' }],
    ['a fractional exp', { ...valid, exp: '1.5' }],
    ['a sub that is a number', { ...valid, sub: 42 }],
    ['a scope that is an array', { ...valid, scope: ['read'] }],
  ])('returns undefined for %s', (_label, context) => {
    expect(fromAuthorizerContext(context)).toBeUndefined();
  });
});

describe('auth method and principal', () => {
  it('round-trips an API key caller', () => {
    const apiKeyCaller: CallerIdentity = { ...identity, principal: 'key-owner', authMethod: 'api_key' };
    expect(fromAuthorizerContext(toAuthorizerContext(apiKeyCaller))).toEqual(apiKeyCaller);
  });

  it.each([['an unknown auth method', { auth_method: 'password' }], ['an empty principal', { principal: '' }]])(
    'refuses a context with %s',
    (_name, change) => {
      expect(fromAuthorizerContext({ ...toAuthorizerContext(identity), ...change })).toBeUndefined();
    },
  );
});
