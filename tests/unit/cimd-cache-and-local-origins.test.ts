import { describe, expect, it } from 'vitest';
import { cacheLifetimeSeconds } from '../../dcr/cimd/cache-lifetime.js';
import { localCimdOrigins } from '../../dcr/cimd/local-origins.js';
import { checkClientIdUrl } from '../../dcr/cimd/client-id-url.js';
import { loadOAuthConfig } from '../../oauth/config.js';

describe('CIMD cache lifetime', () => {
  const bounds = { minSeconds: 300, maxSeconds: 86_400 };
  const now = new Date('2026-12-01T00:00:00Z');
  const life = (cacheControl?: string, expires?: string, date?: string) => cacheLifetimeSeconds({ cacheControl, expires, date }, bounds, now);
  it('follows max-age and s-maxage (s-maxage first), clamped to the bounds', () => {
    expect(life('max-age=600')).toBe(600);
    expect(life('public, max-age=600, s-maxage=1200')).toBe(1200);
    expect(life('max-age=5')).toBe(300);
    expect(life('max-age=99999999')).toBe(86_400);
  });
  it('falls back to Expires (against Date when sent), else an hour', () => {
    expect(life(undefined, 'Tue, 01 Dec 2026 02:00:00 GMT')).toBe(7200);
    expect(life(undefined, 'Tue, 01 Dec 2026 02:00:00 GMT', 'Tue, 01 Dec 2026 01:00:00 GMT')).toBe(3600);
    expect(life(undefined, 'not a date')).toBe(3600);
    expect(life()).toBe(3600);
  });
  it('no-store and no-cache: check again at the lower bound', () => {
    expect(life('no-store')).toBe(300);
    expect(life('no-cache, max-age=9000')).toBe(300);
  });
});

describe('LOCAL_CIMD_ORIGINS is impossible in a deployed stage', () => {
  const local = { IS_OFFLINE: 'true', LOCAL_CIMD_ORIGINS: 'https://localhost:3106 http://127.0.0.1:8080' };
  it('is honoured in the local stack, for loopback http(s) origins only', () => {
    expect([...localCimdOrigins(local)]).toEqual(['https://localhost:3106', 'http://127.0.0.1:8080']);
    expect(localCimdOrigins({ IS_OFFLINE: 'true' }).size).toBe(0);
    const origins = localCimdOrigins(local);
    expect(checkClientIdUrl('http://127.0.0.1:8080/doc.json', { allowedHosts: [], deniedHosts: [], localOrigins: origins }).ok).toBe(true);
    expect(checkClientIdUrl('http://127.0.0.1:8081/doc.json', { allowedHosts: [], deniedHosts: [], localOrigins: origins }).ok).toBe(false);
  });
  it.each([
    ['without IS_OFFLINE', { LOCAL_CIMD_ORIGINS: 'https://localhost:3106' }, /IS_OFFLINE/],
    ['on the Lambda runtime', { ...local, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }, /Lambda runtime/],
    ['with AWS_EXECUTION_ENV', { ...local, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, /Lambda runtime/],
    ['for a public host', { IS_OFFLINE: 'true', LOCAL_CIMD_ORIGINS: 'https://example.com' }, /loopback/],
    ['for another scheme', { IS_OFFLINE: 'true', LOCAL_CIMD_ORIGINS: 'ftp://localhost:21' }, /loopback/],
    ['for a URL with a path', { IS_OFFLINE: 'true', LOCAL_CIMD_ORIGINS: 'https://localhost:3106/docs' }, /not an origin/],
    ['for garbage', { IS_OFFLINE: 'true', LOCAL_CIMD_ORIGINS: 'localhost' }, /not a URL/],
  ])('is refused %s', (_name, env, reason) => {
    expect(() => localCimdOrigins(env)).toThrow(reason);
  });
  it('stops the facade at cold start when set on AWS', () => {
    const env = {
      PUBLIC_BASE_URL: 'https://mcp.example.com', COGNITO_OAUTH_BASE_URL: 'https://x.auth.eu-west-1.amazoncognito.com', OAUTH_STATE_TABLE: 't', GRANTS_TABLE: 'g', REVOCATIONS_TABLE: 'v',
      OAUTH_KEY_SECRET_ID: 's', USER_POOL_ID: 'eu-west-1_X', CLIENTS_TABLE: 'c', RESOURCE_SERVER_ID: 'https://mcp.example.com/mcp', RATE_LIMITS_TABLE: 'r',
    };
    expect(loadOAuthConfig(env).cimd.localOrigins.size).toBe(0);
    expect(() => loadOAuthConfig({ ...env, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', LOCAL_CIMD_ORIGINS: 'https://localhost:1' })).toThrow(/LOCAL_CIMD_ORIGINS/);
  });
});
