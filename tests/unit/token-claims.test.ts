import { describe, expect, it } from 'vitest';
import { checkClaims } from '../../authorizer/access-token.js';
import { Denial } from '../../authorizer/denial.js';
import { API_KEY_LENGTH, API_KEY_PREFIX, apiKeyHash, generateApiKey, isWellFormedApiKey, looksLikeApiKey } from '../../lib/api-keys.js';

const NOW = 1_800_000_000;
const config = { resourceUrl: 'https://mcp.example.com/mcp', clockSkewSeconds: 10 };
const base = {
  sub: 'user-1',
  username: 'alice',
  client_id: 'client-1',
  jti: 'jti-1',
  token_use: 'access',
  scope: 'https://mcp.example.com/mcp/read https://mcp.example.com/mcp/write',
  iat: NOW - 5,
  auth_time: NOW - 100,
  exp: NOW + 600,
};

const denialOf = (claims: Record<string, unknown>) => {
  try {
    checkClaims(claims as never, config, NOW);
  } catch (error) {
    return error instanceof Denial ? error.reason : 'not a Denial';
  }
  return 'accepted';
};

describe('checkClaims', () => {
  it('maps a Cognito access token to the caller, with auth_time as the sign-in time', () => {
    expect(checkClaims(base as never, config, NOW)).toEqual({
      identity: {
        principal: 'user-1',
        authMethod: 'jwt',
        sub: 'user-1',
        username: 'alice',
        clientId: 'client-1',
        scopes: ['https://mcp.example.com/mcp/read', 'https://mcp.example.com/mcp/write'],
        groups: [],
        tokenId: 'jti-1',
        expiresAt: NOW + 600,
        clientTrust: 'dynamic',
      },
      originJti: undefined,
      authenticatedAt: NOW - 100,
    });
  });

  it('falls back to iat without auth_time, and to the client id without a username (machine tokens)', () => {
    const verified = checkClaims({ ...base, auth_time: undefined, username: undefined } as never, config, NOW);
    expect(verified.authenticatedAt).toBe(NOW - 5);
    expect(verified.identity.username).toBe('client-1');
  });

  it('carries origin_jti and groups', () => {
    const verified = checkClaims({ ...base, origin_jti: 'family-1', 'cognito:groups': ['mcp-admins'] } as never, config, NOW);
    expect(verified.originJti).toBe('family-1');
    expect(verified.identity.groups).toEqual(['mcp-admins']);
  });

  it.each([
    ['aud naming this server', 'https://mcp.example.com/mcp', 'accepted'],
    ['aud naming this server with a trailing slash', 'https://mcp.example.com/mcp/', 'accepted'],
    ['aud list including this server', ['https://other.example.com', 'https://mcp.example.com/mcp'], 'accepted'],
    ['aud naming another API', 'https://other.example.com/mcp', 'wrong_audience'],
    ['aud naming a prefix of this server', 'https://mcp.example.com', 'wrong_audience'],
    ['an empty aud list', [], 'wrong_audience'],
    ['a numeric aud', 42, 'wrong_audience'],
  ])('%s: %s', (_label, aud, expected) => {
    expect(denialOf({ ...base, aud })).toBe(expected);
  });

  it.each([
    ['iat beyond the skew allowance', { iat: NOW + 11 }, 'not_yet_valid'],
    ['iat within the skew allowance', { iat: NOW + 10 }, 'accepted'],
    ['iat missing', { iat: undefined }, 'invalid_claims'],
    ['iat fractional', { iat: NOW - 0.5 }, 'invalid_claims'],
    ['exp negative', { exp: -1 }, 'invalid_claims'],
    ['sub with a space', { sub: 'a b' }, 'invalid_claims'],
    ['jti empty', { jti: '' }, 'invalid_claims'],
    ['groups not a list', { 'cognito:groups': 'mcp-admins' }, 'invalid_claims'],
    ['origin_jti empty', { origin_jti: '' }, 'invalid_claims'],
    ['auth_time zero', { auth_time: 0 }, 'invalid_claims'],
    ['username an object', { username: { name: 'x' } }, 'invalid_claims'],
  ])('%s → %s', (_label, change, expected) => {
    expect(denialOf({ ...base, ...change })).toBe(expected);
  });
});

describe('API keys', () => {
  it('have the prefix, 256 random bits and a checksum, and are all different', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(key).toHaveLength(API_KEY_LENGTH);
      // 43 base64url characters carry 258 bits, of which 256 come from randomBytes(32).
      expect(Buffer.from(key.slice(5, 48), 'base64url')).toHaveLength(32);
      expect(isWellFormedApiKey(key)).toBe(true);
    }
  });

  it('refuses a key whose checksum does not match, whatever changed', () => {
    const key = generateApiKey();
    for (let position = API_KEY_PREFIX.length; position < key.length; position++) {
      const changed = `${key.slice(0, position)}${key[position] === 'x' ? 'y' : 'x'}${key.slice(position + 1)}`;
      expect(isWellFormedApiKey(changed), `changed at ${position}`).toBe(false);
    }
    expect(isWellFormedApiKey(key.toUpperCase())).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}x`)).toBe(false);
    expect(isWellFormedApiKey(`mcpx_${key.slice(5)}`)).toBe(false);
  });

  it('are recognised by prefix, and stored as a SHA-256 that does not contain the key', () => {
    const key = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey('eyJhbGciOi.x.y')).toBe(false);
    expect(apiKeyHash(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(apiKeyHash(key)).toBe(apiKeyHash(key));
    expect(apiKeyHash(key)).not.toBe(apiKeyHash(generateApiKey()));
  });
});
