import { describe, expect, it } from 'vitest';
import { checkOrigin, corsHeaders, mcpCorsPolicy, normalizeOrigin, originSchema, preflightHeaders } from '../../lib/http/cors.js';

const policy = mcpCorsPolicy(['https://app.example.com', 'http://localhost:6274']);

describe('origin allow-list and CORS headers', () => {
  it('normalises origins and refuses what is not an http(s) origin', () => {
    expect(normalizeOrigin('HTTPS://App.Example.com')).toBe('https://app.example.com');
    expect(normalizeOrigin('https://app.example.com:443')).toBe('https://app.example.com');
    expect(normalizeOrigin('null')).toBeUndefined();
    expect(normalizeOrigin('file:///etc/passwd')).toBeUndefined();
    expect(normalizeOrigin(undefined)).toBeUndefined();
  });

  it('tells requests without Origin, from allowed and from other origins apart', () => {
    expect(checkOrigin(undefined, policy)).toEqual({ kind: 'no-origin' });
    expect(checkOrigin('https://APP.example.com', policy)).toEqual({ kind: 'allowed', origin: 'https://app.example.com' });
    for (const origin of ['https://evil.example', 'null', 'https://app.example.com.evil.example', 'http://app.example.com', '']) {
      expect(checkOrigin(origin, policy), origin).toEqual({ kind: 'refused' });
    }
  });

  it('echoes only an allowed origin, never *, never credentials', () => {
    const allowed = corsHeaders(checkOrigin('http://localhost:6274', policy), policy);
    expect(allowed).toMatchObject({ 'Access-Control-Allow-Origin': 'http://localhost:6274', Vary: 'Origin' });
    expect(allowed['Access-Control-Expose-Headers']).toContain('WWW-Authenticate');
    expect(Object.keys(allowed)).not.toContain('Access-Control-Allow-Credentials');
    expect(corsHeaders(checkOrigin('https://evil.example', policy), policy)).toEqual({});
    expect(corsHeaders(checkOrigin(undefined, policy), policy)).toEqual({});
    const preflight = preflightHeaders(checkOrigin('https://app.example.com', policy), policy);
    expect(preflight['Access-Control-Allow-Methods']).toBe('POST, OPTIONS');
    expect(preflight['Access-Control-Allow-Headers']).toContain('MCP-Protocol-Version');
    expect(preflightHeaders(checkOrigin('https://evil.example', policy), policy)).toEqual({});
  });

  it('accepts configured origins only in origin form', () => {
    expect(originSchema.parse('https://App.example.com/')).toBe('https://app.example.com');
    for (const value of ['*', 'https://app.example.com/path', 'app.example.com', 'ftp://x.example']) {
      expect(originSchema.safeParse(value).success, value).toBe(false);
    }
  });
});
