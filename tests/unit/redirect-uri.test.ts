import { describe, expect, it } from 'vitest';
import { MAX_REDIRECT_URI_LENGTH, checkRedirectUri } from '../../dcr/redirect-uri.js';

describe('checkRedirectUri', () => {
  describe('accepts', () => {
    it.each([
      ['https on any host', 'https://app.example.com/oauth/callback'],
      ['https with a port and query', 'https://app.example.com:8443/cb?tenant=1'],
      ['https on an IP address', 'https://203.0.113.7/cb'],
      ['https without a path (the parser adds only "/")', 'https://app.example.com'],
      ['https with a port and no path', 'https://app.example.com:8443'],
      ['http on localhost with a port and no path', 'http://localhost:8080'],
      ['http on 127.0.0.1 with the root path', 'http://127.0.0.1:33418/'],
      ['http on 127.0.0.1 with no port', 'http://127.0.0.1/'],
      ['an RFC 8252 private-use redirect', 'com.example.app:/oauth2redirect/example-provider'],
      ['Cursor\'s MCP callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
      ['a private-use host in mixed case (opaque to WHATWG, kept as sent)', 'cursor://Anysphere.Cursor-MCP/cb'],
      ['a percent-encoded space in the path', 'https://app.example.com/c%20b'],
      ['http on localhost with a port', 'http://localhost:1234/cb'],
      ['http on localhost without a port', 'http://localhost/callback'],
      ['http on 127.0.0.1', 'http://127.0.0.1/cb'],
      ['http on 127.0.0.1 with a port', 'http://127.0.0.1:49152/oauth/callback'],
      ['http on [::1] with a port', 'http://[::1]:8080/cb'],
      ['a reverse-domain private-use scheme', 'com.example.app:/cb'],
      ['a reverse-domain scheme with //', 'com.example.app://oauth/cb'],
      ['a reverse-domain scheme with digits and hyphens', 'io.my-app2.desktop:/callback'],
      ['Cursor', 'cursor://anysphere.cursor-retrieval/oauth/callback'],
      ['VS Code', 'vscode://vscode.github-authentication/did-authenticate'],
      ['VS Code Insiders', 'vscode-insiders://vscode.github-authentication/did-authenticate'],
      ['Windsurf', 'windsurf://codeium.windsurf/callback'],
      ['Claude', 'claude://oauth/callback'],
      ['Zed', 'zed://oauth/callback'],
      ['a URI of exactly the maximum length', `https://app.example.com/${'a'.repeat(MAX_REDIRECT_URI_LENGTH - 'https://app.example.com/'.length)}`],
    ])('%s: %s', (_label, uri) => {
      expect(uri.length).toBeLessThanOrEqual(MAX_REDIRECT_URI_LENGTH);
      expect(checkRedirectUri(uri)).toEqual({ ok: true });
    });
  });

  describe('refuses', () => {
    it.each([
      ['javascript:', 'javascript:alert(1)', 'forbidden scheme javascript:'],
      ['javascript: upper-case', 'JavaScript:alert(document.cookie)', 'forbidden scheme javascript:'],
      ['javascript: with //', 'javascript://example.com/%0Aalert(1)', 'forbidden scheme javascript:'],
      ['data:', 'data:text/html,<script>alert(1)</script>', 'forbidden scheme data:'],
      ['file:', 'file:///etc/passwd', 'forbidden scheme file:'],
      ['vbscript:', 'vbscript:msgbox(1)', 'forbidden scheme vbscript:'],
      ['ws:', 'ws://localhost:8080/cb', 'forbidden scheme ws:'],
      ['wss:', 'wss://app.example.com/cb', 'forbidden scheme wss:'],
      ['blob:', 'blob:https://app.example.com/uuid', 'forbidden scheme blob:'],
      ['about:', 'about:blank', 'forbidden scheme about:'],
      ['ftp:', 'ftp://files.example.com/cb', 'forbidden scheme ftp:'],
      ['chrome-extension:', 'chrome-extension://abcdef/cb.html', 'forbidden scheme chrome-extension:'],
      ['view-source:', 'view-source:https://app.example.com/', 'forbidden scheme view-source:'],
      ['intent:', 'intent://scan/cb', 'forbidden scheme intent:'],
      ['mailto:', 'mailto:attacker@example.com', 'forbidden scheme mailto:'],
      ['http on a public host', 'http://example.com/cb', 'not loopback'],
      ['http on a private address', 'http://192.168.1.10/cb', 'not loopback'],
      ['http on another 127/8 address', 'http://127.0.0.2/cb', 'not loopback'],
      ['http on a look-alike of localhost', 'http://localhost.evil.example/cb', 'not loopback'],
      ['http on 0.0.0.0', 'http://0.0.0.0:8080/cb', 'not loopback'],
      ['a fragment', 'https://app.example.com/cb#token', 'contains a fragment'],
      ['an empty fragment', 'https://app.example.com/cb#', 'contains a fragment'],
      ['a fragment on loopback', 'http://localhost:1234/cb#x', 'contains a fragment'],
      ['a wildcard host', 'https://*.example.com/cb', 'wildcard'],
      ['a wildcard path', 'https://app.example.com/*', 'wildcard'],
      ['user and password', 'https://user:pass@app.example.com/cb', 'contains credentials'],
      ['a user name only', 'https://user@app.example.com/cb', 'contains credentials'],
      ['https without //', 'https:app.example.com/cb', 'scheme://host/path'],
      ['https with an empty host', 'https:///cb', 'scheme://host/path'],
      ['http without //', 'http:localhost:8080/cb', 'scheme://host/path'],
      ['a C1 control character', 'https://app.example.com/\u0085cb', 'control characters'],
      ['a loopback look-alike with credentials', 'http://localhost:1234@evil.example/cb', 'contains credentials'],
      ['a space', 'https://app.example.com/c b', 'whitespace or control characters'],
      ['a leading space', ' https://app.example.com/cb', 'whitespace or control characters'],
      ['a trailing newline', 'https://app.example.com/cb\n', 'whitespace or control characters'],
      ['a tab', 'https://app.example.com/\tcb', 'whitespace or control characters'],
      ['a NUL', 'https://app.example.com/cb\u0000', 'whitespace or control characters'],
      ['an escape character', 'https://app.example.com/\u001bcb', 'whitespace or control characters'],
      ['DEL', 'https://app.example.com/cb\u007f', 'whitespace or control characters'],
      ['a non-breaking space', 'https://app.example.com/c\u00a0b', 'whitespace or control characters'],
      ['a relative path', '/oauth/callback', 'not an absolute URI'],
      ['a protocol-relative URI', '//app.example.com/cb', 'not an absolute URI'],
      ['a host without scheme', 'app.example.com/cb', 'not an absolute URI'],
      ['an empty string', '', 'not an absolute URI'],
      ['https:// with no host', 'https://', 'not an absolute URI'],
      ['https: alone', 'https:', 'not an absolute URI'],
      ['http:// with no host', 'http:///', 'not an absolute URI'],
      ['an unknown single-word scheme', 'myapp:/cb', 'neither https, loopback http nor a private-use scheme'],
      ['an unknown single-word scheme with //', 'myapp://callback', 'neither https, loopback http nor a private-use scheme'],
      ['a scheme that only resembles a known one', 'cursorx://anysphere.cursor-retrieval/oauth/callback', 'neither https'],
      ['a urn', 'urn:ietf:wg:oauth:2.0:oob', 'neither https'],
      ['too long', `https://app.example.com/${'a'.repeat(MAX_REDIRECT_URI_LENGTH)}`, 'is too long'],
      ['an upper-case scheme', 'HTTPS://app.example.com/cb', 'browsers read it as https://app.example.com/cb'],
      ['a query without a path', 'https://app.example.com?x=1', 'browsers read it as https://app.example.com/?x=1'],
    ])('%s: %j', (_label, uri, reason) => {
      const result = checkRedirectUri(uri);
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.reason).toContain(reason);
    });

    it('refuses one character over the maximum length', () => {
      const uri = `https://app.example.com/${'a'.repeat(MAX_REDIRECT_URI_LENGTH - 'https://app.example.com/'.length + 1)}`;
      expect(uri.length).toBe(MAX_REDIRECT_URI_LENGTH + 1);
      expect(checkRedirectUri(uri)).toEqual({ ok: false, reason: 'is too long' });
    });
  });

  it('has a maximum length of 1024', () => {
    expect(MAX_REDIRECT_URI_LENGTH).toBe(1024);
  });

  /**
   * Hostile redirect URIs under `dcrRedirectHosts=claude.ai`: the parser differentials between
   * WHATWG (browsers) and RFC 3986 (many servers), each asserted on its own.
   */
  describe('hostile corpus with the allow-list claude.ai', () => {
    const policy = { httpsHosts: ['claude.ai'] };
    const NORMAL = 'not in normal form';
    const corpus: Array<[label: string, uri: string, expected: 'accepted' | string]> = [
      ['the allowed host', 'https://claude.ai/api/mcp/auth_callback', 'accepted'],
      ['the allowed host with another port', 'https://claude.ai:8443/cb', 'accepted'],
      ['the allowed host without a path', 'https://claude.ai', 'accepted'],
      ['a backslash before @ (browsers: claude.ai, RFC 3986: evil.com)', 'https://claude.ai\\@evil.com/cb', 'backslash'],
      ['backslashes for slashes', 'https:\\\\evil.com/cb', 'backslash'],
      ['a backslash in the path', 'https://claude.ai/cb\\..\\x', 'backslash'],
      ['userinfo naming the allowed host', 'https://claude.ai@evil.com/cb', 'credentials'],
      ['userinfo before the allowed host', 'https://evil.com@claude.ai/cb', 'credentials'],
      ['empty userinfo (WHATWG drops it)', 'https://@claude.ai/cb', 'credentials'],
      ['an empty user and password', 'https://:@claude.ai/cb', 'credentials'],
      ['a percent-encoded slash in userinfo', 'https://claude.ai%2F@evil.com/cb', 'credentials'],
      ['a percent-encoded @ in the host', 'https://claude.ai%40evil.com/cb', 'not an absolute URI'],
      ['a tab inside the host (WHATWG removes it)', 'https://clau\tde.ai/cb', 'whitespace or control'],
      ['a newline inside the path', 'https://claude.ai/c\nb', 'whitespace or control'],
      ['an ideographic space', 'https://claude.ai/cb\u3000', 'whitespace or control'],
      ['a zero-width space (percent-encoded by the parser)', 'https://claude.ai/\u200bcb', NORMAL],
      ['a percent-encoded dot in the host', 'https://claude%2Eai/cb', NORMAL],
      ['a lower-case percent-encoded dot in the host', 'https://claude%2eai/cb', NORMAL],
      ['an ideographic full stop in the host', 'https://claude\u3002ai/cb', NORMAL],
      ['a full-width letter in the host', 'https://\uff43laude.ai/cb', NORMAL],
      ['an IDN look-alike in Unicode', 'https://cl\u00e1ude.ai/cb', NORMAL],
      ['the same IDN look-alike in punycode', 'https://xn--clude-yqa.ai/cb', 'not on this server\'s list'],
      ['an upper-case host', 'https://CLAUDE.AI/cb', NORMAL],
      ['the default port :443', 'https://claude.ai:443/cb', NORMAL],
      ['an empty port', 'https://claude.ai:/cb', NORMAL],
      ['a trailing dot', 'https://claude.ai./cb', 'ending in a dot'],
      ['a subdomain of an evil host', 'https://claude.ai.evil.com/cb', 'not on this server\'s list'],
      ['a host that ends like the allowed one', 'https://evilclaude.ai/cb', 'not on this server\'s list'],
      ['IPv6 loopback over https', 'https://[::1]/cb', 'not on this server\'s list'],
      ['IPv6 in a non-canonical form', 'https://[0:0::1]/cb', NORMAL],
      ['IPv4 as a number', 'https://2130706433/cb', NORMAL],
      ['IPv4 in hex', 'https://0x7f.0.0.1/cb', NORMAL],
      ['a dot segment', 'https://claude.ai/a/../cb', NORMAL],
      ['a percent-encoded dot segment', 'https://claude.ai/%2e%2e/cb', NORMAL],
      ['characters the parser percent-encodes', 'https://claude.ai/<script>', NORMAL],
      ['a fragment', 'https://claude.ai/cb#x', 'fragment'],
      ['an empty fragment', 'https://claude.ai/cb#', 'fragment'],
      ['an empty host', 'https:///claude.ai/cb', 'scheme://host/path'],
      ['no host at all', 'https://', 'not an absolute URI'],
      ['https:evil.com (no slashes)', 'https:evil.com', 'scheme://host/path'],
      ['//evil.com (no scheme)', '//evil.com', 'not an absolute URI'],
      ['loopback: the Inspector', 'http://localhost:6274/oauth/callback', 'accepted'],
      ['loopback: VS Code', 'http://127.0.0.1:33418/', 'accepted'],
      ['loopback: IPv6', 'http://[::1]:8080/cb', 'accepted'],
      ['loopback without a path', 'http://localhost:8080', 'accepted'],
      ['loopback with a backslash before @', 'http://localhost\\@evil.com/cb', 'backslash'],
      ['loopback in upper case', 'http://LOCALHOST:1234/cb', NORMAL],
      ['loopback with the default port :80', 'http://localhost:80/cb', NORMAL],
      ['loopback as 127.1', 'http://127.1/cb', NORMAL],
      ['private-use: Cursor', 'cursor://anysphere.cursor-mcp/oauth/callback', 'accepted'],
      ['private-use: VS Code', 'vscode://vscode.github-authentication/did-authenticate', 'accepted'],
      ['private-use: reverse domain, no authority', 'com.example.app:/cb', 'accepted'],
      ['private-use: reverse domain with //', 'com.example.app://oauth/cb', 'accepted'],
      ['private-use: a single-word scheme without authority', 'myapp:/cb', 'neither https'],
      ['private-use: a single-word scheme with authority', 'myapp://cb', 'neither https'],
      ['private-use: an upper-case scheme', 'Com.Example.App:/cb', NORMAL],
      ['private-use: userinfo', 'cursor://evil@anysphere.cursor-mcp/cb', 'credentials'],
      ['private-use: a fragment', 'cursor://anysphere.cursor-mcp/oauth/callback#x', 'fragment'],
      ['private-use: a dot segment', 'cursor://anysphere.cursor-mcp/a/../cb', NORMAL],
      ['private-use: backslashes', 'cursor:\\\\evil.com/cb', 'backslash'],
    ];

    it('has at least 25 hostile cases', () => {
      expect(corpus.filter(([, , expected]) => expected !== 'accepted').length).toBeGreaterThanOrEqual(25);
    });

    it.each(corpus)('%s: %j is %s', (_label, uri, expected) => {
      const result = checkRedirectUri(uri, policy);
      if (expected === 'accepted') expect(result).toEqual({ ok: true });
      else expect(result.ok === false && result.reason).toContain(expected);
    });

    it('accepts only URIs that serialise to themselves (or gain only the root path)', () => {
      for (const [, uri, expected] of corpus) {
        if (expected !== 'accepted') continue;
        const href = new URL(uri).href;
        expect([uri, `${uri}/`]).toContain(href);
      }
    });

    it('names the form browsers read', () => {
      expect(checkRedirectUri('https://CLAUDE.ai:443/cb', policy)).toEqual({
        ok: false,
        reason: 'is not in normal form: browsers read it as https://claude.ai/cb; register the URI exactly as that',
      });
    });
  });
});
