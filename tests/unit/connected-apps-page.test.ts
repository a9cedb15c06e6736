import { describe, expect, it } from 'vitest';
import type { AppGrant, AppGrants } from '../../lib/app-grants.js';
import type { AppClientRecord } from '../../lib/client-record.js';
import { appsPage } from '../../oauth/apps/apps-page.js';
import { type AppsDependencies, handleAppsRequest } from '../../oauth/apps/apps-routes.js';
import { SESSION_COOKIE, formToken, newSession } from '../../oauth/apps/session.js';
import { deriveKeys } from '../../oauth/keys.js';

/** The connected-apps page's logic in process (the Chromium test, tests/e2e/connected-apps-browser.test.ts, runs it on the local stack). */
const ISSUER = 'https://mcp.example.com';
const NOW = 1_800_000_000;
const keys = deriveKeys('k'.repeat(64));

function setup(grants: AppGrant[] = [], clients: Record<string, Partial<AppClientRecord>> = {}) {
  const revoked: unknown[] = [];
  const appGrants: AppGrants = {
    record: async () => undefined,
    listForUser: async () => grants,
    revoke: async () => false,
    revokeShown: async (input) => (revoked.push(input), true),
  };
  const deps: AppsDependencies = {
    appGrants,
    registry: { get: async (id) => clients[id] as AppClientRecord | undefined },
    keys: { seal: (purpose) => keys[purpose], open: async (purpose) => keys[purpose] },
    cognito: { exchange: async () => Promise.reject(new Error('not called')) },
    issuer: ISSUER,
    cognitoOAuthBaseUrl: 'https://pool.auth.eu-west-1.amazoncognito.com',
    appsClientId: 'appsclient1',
    resourceName: 'MCP server',
    revocationSeconds: 3600,
    now: () => NOW,
  };
  const { cookie, session } = newSession(keys['apps-session'], { sub: 'user-1', email: 'a@example.com' }, NOW);
  const cookieHeader = cookie.split(';')[0]!;
  return { deps, revoked, session, cookieHeader };
}

const request = (method: string, path: string, extra: Partial<Parameters<typeof handleAppsRequest>[0]> = {}) => ({
  method, path, query: {}, cookieHeader: undefined, origin: undefined, body: '', ...extra,
});

describe('the connected-apps page', () => {
  it('sends a visitor without a session to Cognito as the page’s own client, with PKCE S256 and a Lax login cookie', async () => {
    const { deps } = setup();
    const response = await handleAppsRequest(request('GET', '/apps'), deps);
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers!.Location as string);
    expect(location.origin + location.pathname).toBe('https://pool.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'appsclient1', redirect_uri: `${ISSUER}/apps/callback`, scope: 'openid email', code_challenge_method: 'S256', response_type: 'code',
    });
    expect(String(response.multiValueHeaders!['Set-Cookie']![0])).toMatch(/^__Host-mcp-apps-login=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);
  });

  it('lists the applications whose client is still registered, with escaped names and how they registered', async () => {
    const grant = (clientId: string): AppGrant => ({ sub: 'user-1', clientId, scope: `${ISSUER}/mcp/read`, firstSignedInAt: NOW - 100, lastUsedAt: NOW - 10, expiresAt: NOW + 100 });
    const { deps, cookieHeader } = setup([grant('cimd1'), grant('gone1'), grant('ops1')], {
      cimd1: { clientId: 'cimd1', status: 'active', source: 'cimd', cimdUrl: 'https://tools.example.org/client.json', clientName: '<img src=x>\u202eevil', createdAt: NOW },
      gone1: { clientId: 'gone1', status: 'deleted', clientName: 'Deleted app', createdAt: NOW },
      ops1: { clientId: 'ops1', status: 'active', source: 'manual', clientName: 'Ops console', createdAt: NOW },
    });
    const response = await handleAppsRequest(request('GET', '/apps', { cookieHeader }), deps);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<bdi>&#60;img src=x&#62;\u202eevil</bdi>');
    expect(response.body).toContain('Published by <strong>tools.example.org</strong>');
    expect(response.body).toContain('Registered by the operator of this server');
    expect(response.body).not.toContain('Deleted app');
    expect(response.body).toContain('Read your notes and see your account details');
    expect(response.headers!['Content-Security-Policy']).toContain("form-action 'self'");
  });

  it('shows an empty state', () => {
    const html = appsPage({ email: undefined, apps: [], signOutToken: 't', issuer: ISSUER, resourceName: 'MCP server' });
    expect(html).toContain('No application holds access to your account.');
  });

  it('revokes only with the page’s Origin, the session and a token for that application; writes nothing otherwise', async () => {
    const { deps, revoked, session, cookieHeader } = setup();
    const token = formToken(keys['apps-form'], session, 'app1', NOW - 100);
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (extra: Partial<Parameters<typeof handleAppsRequest>[0]>) =>
      handleAppsRequest(request('POST', '/apps/revoke', { cookieHeader, origin: ISSUER, body: form({ client_id: 'app1', token }), ...extra }), deps);
    expect((await post({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ origin: undefined })).statusCode).toBe(403);
    expect((await post({ cookieHeader: undefined })).statusCode).toBe(403);
    expect((await post({ cookieHeader: `${SESSION_COOKIE}=v1.AAAA` })).statusCode).toBe(403);
    expect((await post({ body: form({ client_id: 'app2', token }) })).statusCode).toBe(403);
    expect((await post({ body: `${form({ client_id: 'app1', token })}&client_id=app1` })).statusCode).toBe(400);
    expect((await post({ body: form({ client_id: 'app1', token: formToken(keys.consent, session, 'app1', 0) }) })).statusCode).toBe(403);
    expect(revoked).toEqual([]);
    const done = await post({});
    expect(done.statusCode).toBe(302);
    expect(done.headers!.Location).toBe(`${ISSUER}/apps?revoked=1`);
    expect(revoked).toEqual([{ sub: 'user-1', clientId: 'app1', firstSignedInAt: NOW - 100, now: NOW, revocationSeconds: 3600, revokedBy: 'user (connected apps page)' }]);
  });

  it('refuses a callback not started in this browser, and answers unknown routes with a page', async () => {
    const { deps } = setup();
    expect((await handleAppsRequest(request('GET', '/apps/callback', { query: { code: 'c', state: 'v1.AAAA' } }), deps)).statusCode).toBe(400);
    expect((await handleAppsRequest(request('DELETE', '/apps'), deps)).statusCode).toBe(404);
  });
});
