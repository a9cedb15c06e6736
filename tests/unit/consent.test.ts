import { describe, expect, it } from 'vitest';
import type { AuthorizeClient, AuthorizeContext } from '../../oauth/authorize/context.js';
import { consentFormTargets, consentPage } from '../../oauth/consent-page.js';
import { MAX_CONSENT_FORM_BYTES, consentResponse, decideConsent, readConsentForm } from '../../oauth/consent.js';
import { CONSENT_COOKIE, authzCookieName, setCookie } from '../../oauth/cookies.js';
import { deriveKeys } from '../../oauth/keys.js';
import { seal, unseal } from '../../oauth/sealed.js';
import { consentForm } from '../support/browser-fetch.js';

const ISSUER = 'https://mcp.example.com';
const keys = deriveKeys('k'.repeat(64));
const settings = {
  issuer: ISSUER,
  cognitoOAuthBaseUrl: 'https://pool.auth.eu-west-1.amazoncognito.com',
  callbackUrl: `${ISSUER}/oauth/callback`,
  ttlSeconds: 600,
  stateKey: keys['cognito-state'],
  consentKey: keys.consent,
  resourceName: 'this MCP server',
  refreshTokenDays: 30,
};
const NOW = 1_800_000_000;
const client: AuthorizeClient = {
  clientId: 'dcr1', appClientId: 'dcr1', source: 'dcr', clientName: 'Notes <script>alert("x")</script>\u202Eevil',
  redirectUris: ['http://127.0.0.1/cb'], scopes: [], authMethod: 'none', createdAt: 1_700_000_000,
};
const ctx = (overrides: Partial<AuthorizeContext> = {}): AuthorizeContext => ({
  params: {}, queryLength: 0, repeated: [], client, redirectUri: 'http://127.0.0.1:33418/cb', codeChallenge: 'c'.repeat(43),
  scopes: [`${ISSUER}/mcp/read`, `${ISSUER}/mcp/write`], offlineAccess: true, resource: `${ISSUER}/mcp`, state: 's1', ...overrides,
});

describe('the consent page', () => {
  const response = consentResponse(ctx(), settings, undefined, NOW);
  const html = response.body;

  it('escapes the self-declared name and marks it as not verified', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('Notes &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('(name chosen by the application; not verified)');
  });

  it('isolates the name (<bdi>) wherever it appears, so a right-to-left override in it cannot reverse the text around it', () => {
    const name = 'Notes &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;\u202Eevil';
    const shown = html.split(name).length - 1;
    expect(shown).toBe(2);
    expect(html.split(`<bdi>${name}</bdi>`).length - 1).toBe(shown);
    expect(html).toContain(`<strong><bdi>${name}</bdi></strong> <small>(name chosen by the application; not verified)</small>`);
    // The title cannot hold markup: the formatting character is dropped there.
    expect(/<title>[^<]*\u202E/.test(html)).toBe(false);
  });

  it('names the destination (loopback with the warning), this server and the scopes in words', () => {
    expect(html).toContain('an application on this computer (<code>http://127.0.0.1:33418</code>)');
    expect(html).toContain('Only continue if you started this sign-in yourself, on this computer.');
    expect(html).toContain(`This server: <code>${ISSUER}</code>`);
    expect(html).toContain('Read your notes and see your account details');
    expect(html).toContain('Create, change and delete your notes');
    expect(html).toContain('Stay connected without asking again, for up to 30 days after you sign in');
    expect(html).toContain('Registered with this server on 2023-11-14.');
  });

  it('says the application stays connected, and for how long, whether or not it asked for offline_access (every sign-in gets a refresh token)', () => {
    const withoutOffline = consentResponse(ctx({ offlineAccess: false }), settings, undefined, NOW).body;
    expect(withoutOffline).toContain('Stay connected without asking again, for up to 30 days after you sign in');
    expect(consentResponse(ctx(), { ...settings, refreshTokenDays: 1 }, undefined, NOW).body).toContain('for up to 1 day after you sign in');
    // An operator's client has an app client of its own: no number the page could know.
    const operator = consentResponse(ctx({ client: { ...client, source: 'manual' } }), settings, undefined, NOW).body;
    expect(operator).toContain('Stay connected without asking again, for as long as this server&#39;s operator allows');
    expect(operator).toContain('Registered by the operator of this server.');
    expect(operator).not.toContain('30 days');
  });

  it('for CIMD shows the publishing host and the full client_id; for https the host; for a private scheme the scheme', () => {
    const cimd = consentPage({ client: { ...client, source: 'cimd', clientId: 'https://client.example.org/mcp.json' }, redirectUri: 'https://client.example.org/cb', scopes: [], issuer: ISSUER, resourceName: 'x', sealedRequest: 'v1.x', action: 'a' });
    expect(cimd).toContain('Published by <strong>client.example.org</strong>');
    expect(cimd).toContain('https://client.example.org/mcp.json');
    expect(cimd).toContain('sent to <strong>client.example.org</strong>');
    const app = consentPage({ client, redirectUri: 'cursor://anysphere.cursor-mcp/oauth/callback', scopes: [], issuer: ISSUER, resourceName: 'x', sealedRequest: 'v1.x', action: 'a' });
    expect(app).toContain('the app that opens <code>cursor://</code> links');
  });

  it('is a plain form with labelled buttons, lang, no script and no image', () => {
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`<form method="post" action="${ISSUER}/consent">`);
    expect(html).toMatch(/<button type="submit" class="allow" name="decision" value="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" class="deny" name="decision" value="deny">Deny<\/button>/);
    expect(html).not.toMatch(/<script|<img/i);
  });

  it('cannot be framed, allows forms only to itself, Cognito and the redirect origin, and is never cached', () => {
    const headers = response.headers!;
    const csp = String(headers['Content-Security-Policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src 'none'");
    expect(csp).toContain("form-action 'self' https://pool.auth.eu-west-1.amazoncognito.com http://127.0.0.1:33418");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['Cache-Control']).toBe('no-store');
    // Not no-referrer: browsers would then send Origin: null with the form, which POST /consent refuses.
    expect(headers['Referrer-Policy']).toBe('same-origin');
    expect(consentFormTargets('https://c.example', 'cursor://x/cb')).toEqual(['https://c.example', 'cursor:']);
  });

  it('sets a __Host- consent cookie: Secure, HttpOnly, SameSite=Strict, Path=/; the authz cookie is Lax', () => {
    expect(response.multiValueHeaders!['Set-Cookie']).toEqual([expect.stringMatching(new RegExp(`^${CONSENT_COOKIE}=[\\w-]{43}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=600$`))]);
    expect(setCookie(authzCookieName('abcdefghijklmnop'), 'v', 'Lax', 600)).toBe('__Host-mcp-authz-abcdefghijkl=v; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600');
  });

  it('reuses a well-formed consent cookie the browser already has (two tabs)', () => {
    const existing = 'A'.repeat(43);
    const again = consentResponse(ctx(), settings, `${CONSENT_COOKIE}=${existing}`, NOW);
    expect(again.multiValueHeaders!['Set-Cookie']![0]).toContain(`${CONSENT_COOKIE}=${existing};`);
  });
});

describe('POST /consent', () => {
  const shown = consentResponse(ctx(), settings, undefined, NOW);
  const cookie = String(shown.multiValueHeaders!['Set-Cookie']![0]).split(';')[0]!;
  const { request } = consentForm(shown.body);
  const post = (overrides: Partial<Parameters<typeof decideConsent>[0]> = {}, decision = 'allow', now = NOW) =>
    decideConsent({ form: { request, decision }, cookieHeader: cookie, origin: ISSUER, secFetchSite: 'same-origin', ...overrides }, settings, now);

  it('allow: redirects to Cognito with our callback, a sealed state and the client\'s challenge, and sets the Lax authz cookie', () => {
    const decision = post();
    expect(decision.kind).toBe('allowed');
    const location = new URL(String(decision.response.headers!.Location));
    expect(location.origin + location.pathname).toBe('https://pool.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'dcr1', redirect_uri: `${ISSUER}/oauth/callback`, code_challenge: 'c'.repeat(43), code_challenge_method: 'S256',
      scope: `${ISSUER}/mcp/read ${ISSUER}/mcp/write`, resource: `${ISSUER}/mcp`, response_type: 'code',
    });
    expect(location.searchParams.get('scope')).not.toContain('offline_access');
    const pending = unseal<{ ruri: string; st: string; off: boolean; exp: number }>(keys['cognito-state'], 'cognito-state', location.searchParams.get('state')!, NOW);
    expect(pending).toMatchObject({ ruri: 'http://127.0.0.1:33418/cb', st: 's1', off: true });
    expect(String(decision.response.multiValueHeaders!['Set-Cookie']![0])).toMatch(/^__Host-mcp-authz-[\w-]{12}=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);
  });

  it('refuses a body that is not a readable form with the same page, whatever else is right', () => {
    const refused = post({ form: undefined });
    expect(refused).toMatchObject({ kind: 'refused', reason: expect.stringContaining('form-encoded') });
    expect(refused.response.headers!.Location).toBeUndefined();
    const body = (text: string) => Buffer.from(text, 'utf8');
    const form = `request=${encodeURIComponent(request)}&decision=allow`;
    expect(readConsentForm(body(form), 'application/x-www-form-urlencoded; charset=UTF-8')).toEqual({ request, decision: 'allow' });
    expect(readConsentForm(body(`${form}&decision=deny`), 'application/x-www-form-urlencoded')).toBeUndefined();
    expect(readConsentForm(body(form), 'application/json')).toBeUndefined();
    expect(readConsentForm(body(form), undefined)).toBeUndefined();
    expect(readConsentForm(Buffer.from([0x64, 0x3d, 0xff]), 'application/x-www-form-urlencoded')).toBeUndefined();
    // The shared reader's object has no prototype: a field named like one of Object's is just a field.
    expect(readConsentForm(body(`${form}&constructor=x`), 'application/x-www-form-urlencoded')).toMatchObject({ request, constructor: 'x' });
    expect(readConsentForm(body(`${form}&pad=${'x'.repeat(MAX_CONSENT_FORM_BYTES)}`), 'application/x-www-form-urlencoded')).toBeUndefined();
  });

  it('deny: access_denied with state and iss at the client', () => {
    const decision = post({}, 'deny');
    const location = new URL(String(decision.response.headers!.Location));
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'access_denied', state: 's1', iss: ISSUER });
  });

  it.each([
    ['no cookie', { cookieHeader: undefined }],
    ['another browser\'s cookie', { cookieHeader: `${CONSENT_COOKIE}=${'B'.repeat(43)}` }],
    ['a malformed cookie', { cookieHeader: `${CONSENT_COOKIE}=short` }],
    ['a cross-site Origin', { origin: 'https://evil.example.com' }],
    ['Origin null', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { secFetchSite: 'cross-site' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { secFetchSite: 'same-site' }],
    ['no request', { form: { decision: 'allow' } }],
    // A character in the middle: the last one may carry only padding bits.
    ['a tampered request', { form: { request: `${request.slice(0, 20)}${request[20] === 'A' ? 'B' : 'A'}${request.slice(21)}`, decision: 'allow' } }],
    ['a state blob posted as consent', { form: { request: seal(keys['cognito-state'], 'cognito-state', { exp: NOW + 60 }), decision: 'allow' } }],
    ['no decision', { form: { request } }],
  ])('%s: an error page, no redirect', (_name, overrides) => {
    const decision = post(overrides as Partial<Parameters<typeof decideConsent>[0]>);
    expect(decision.kind).toBe('refused');
    expect(decision.response.statusCode).toBe(400);
    expect(decision.response.headers!.Location).toBeUndefined();
    expect(decision.response.body).toContain('This page expired or was not opened by you');
  });

  it('an expired request: an error page', () => {
    expect(post({}, 'allow', NOW + 601).kind).toBe('refused');
  });
});
