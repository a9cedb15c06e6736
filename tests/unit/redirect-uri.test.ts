import { describe, expect, it } from 'vitest';
import { MAX_REDIRECT_URI_LENGTH, checkRedirectUri } from '../../dcr/redirect-uri.js';

describe('checkRedirectUri', () => {
  describe('accepts', () => {
    it.each([
      ['https on any host', 'https://app.example.com/oauth/callback'],
      ['https with a port and query', 'https://app.example.com:8443/cb?tenant=1'],
      ['https on an IP address', 'https://203.0.113.7/cb'],
      ['https with an upper-case scheme', 'HTTPS://app.example.com/cb'],
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
});
