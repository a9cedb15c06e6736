import { describe, expect, it } from 'vitest';
import { redirectUriMatches } from '../../oauth/authorize/redirect-uri.js';
import { runAuthorize } from '../../oauth/authorize/index.js';
import type { AuthorizeClient, AuthorizeDependencies } from '../../oauth/authorize/context.js';

/** oauth/authorize/redirect-uri.ts: exact matching, RFC 8252 §7.3 loopback on any port, and nothing else. */
describe('redirect URI matching at /authorize', () => {
  it('matches registered URIs exactly', () => {
    expect(redirectUriMatches('https://app.example.com/cb', ['https://app.example.com/cb'])).toBe(true);
    expect(redirectUriMatches('cursor://anysphere.cursor-mcp/oauth/callback', ['cursor://anysphere.cursor-mcp/oauth/callback'])).toBe(true);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('matches loopback %s on any port, with the same path and query', (host) => {
    expect(redirectUriMatches(`http://${host}:33418/cb`, [`http://${host}/cb`])).toBe(true);
    expect(redirectUriMatches(`http://${host}:1/cb?x=1`, [`http://${host}:8080/cb?x=1`])).toBe(true);
    expect(redirectUriMatches(`http://${host}:33418/`, [`http://${host}/`])).toBe(true);
    expect(redirectUriMatches(`http://${host}:33418`, [`http://${host}/`])).toBe(true);
    expect(redirectUriMatches(`http://${host}:33418/other`, [`http://${host}/cb`])).toBe(false);
    expect(redirectUriMatches(`http://${host}:33418/cb?x=2`, [`http://${host}/cb?x=1`])).toBe(false);
    expect(redirectUriMatches(`http://${host}:33418/cb/`, [`http://${host}/cb`])).toBe(false);
  });

  it('never lets one loopback host stand in for another', () => {
    expect(redirectUriMatches('http://localhost:5000/cb', ['http://127.0.0.1/cb'])).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:5000/cb', ['http://[::1]/cb'])).toBe(false);
    expect(redirectUriMatches('http://[::1]:5000/cb', ['http://localhost/cb'])).toBe(false);
  });

  it('gives https no port freedom', () => {
    expect(redirectUriMatches('https://app.example.com:8443/cb', ['https://app.example.com/cb'])).toBe(false);
  });

  // Each is tried against the registered URIs below; none may match.
  const registered = ['https://good.example.com/cb', 'http://127.0.0.1/cb', 'http://localhost/cb', 'myapp://cb'];
  const openRedirects = [
    'https://good.example.com@evil.example.com/cb',
    'https://evil.example.com/cb',
    'https://good.example.com.evil.example.com/cb',
    'https://good.example.com\\@evil.example.com/cb',
    'https://good.example.com/cb/../../evil',
    'https://good.example.com/%2e%2e/cb',
    'https://good.example.com/cb#fragment',
    'https://good.example.com/cb?next=https://evil.example.com',
    'http://good.example.com/cb',
    'https://good.example.com/cb/',
    'https://good.example.com/c',
    'https://GOOD.example.com/cb',
    'https://good.example.com:443/cb',
    'otherapp://cb',
    'myapp://cb.evil',
    'http://127.0.0.1.evil.example.com/cb',
    'http://localhost.evil.example.com/cb',
    'http://[0:0:0:0:0:0:0:1]:5000/cb',
    'http://127.1:5000/cb',
    'http://2130706433:5000/cb',
    'http://0x7f000001:5000/cb',
    'http://127.0.0.1:5000/cb/../evil',
    'http://127.0.0.1:5000/%2e%2e/cb',
    'http://127.0.0.1:5000\\@evil.example.com/cb',
    'http://user@127.0.0.1:5000/cb',
    'http://@127.0.0.1:5000/cb',
    'http://127.0.0.1:5000/cb#x',
    'http://127.0.0.1:5000/CB',
    'http://localhost.:5000/cb',
    'https://127.0.0.1:5000/cb',
    'javascript:alert(1)//https://good.example.com/cb',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example.com/cb',
    '',
  ];

  it(`refuses an open-redirect corpus of ${openRedirects.length} URIs`, () => {
    expect(openRedirects.length).toBeGreaterThanOrEqual(20);
    for (const uri of openRedirects) expect(redirectUriMatches(uri, registered), uri).toBe(false);
  });

  it('answers every one of them with an error page, never a Location', async () => {
    const client: AuthorizeClient = {
      clientId: 'c1', appClientId: 'c1', source: 'dcr', clientName: 'x', redirectUris: registered,
      scopes: [], authMethod: 'none', createdAt: 0,
    };
    const deps: AuthorizeDependencies = { issuer: 'https://as.example.com', resource: 'https://as.example.com/mcp', serverScopes: [], findClient: async () => client };
    for (const uri of openRedirects) {
      const outcome = await runAuthorize({ client_id: ['c1'], redirect_uri: [uri], response_type: ['code'] }, 100, deps);
      expect(outcome.kind, uri).toBe('error-page');
    }
  });
});
