/**
 * Which redirect URIs a dynamically registered client may use (OAuth 2.1 §7.5, RFC 8252 §7):
 *  - https, on any host or, when the operator sets an allow-list, only on the hosts it names
 *    (`claude.ai` matches that host exactly; `.example.com` matches every subdomain of example.com);
 *  - http only on a loopback host, for CLI and desktop clients;
 *  - a private-use scheme for native apps: reverse-domain style (`com.example.app:/cb`) or a
 *    scheme real MCP clients use (`cursor://`, `vscode://`, ...).
 * Never a fragment, credentials in the URI, wildcards, or script/data/file-like schemes.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set([
  'javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:', 'chrome:',
  'chrome-extension:', 'view-source:', 'jar:', 'filesystem:', 'intent:', 'mailto:', 'tel:', 'sms:',
]);
const KNOWN_APP_SCHEMES = new Set(['cursor:', 'vscode:', 'vscode-insiders:', 'windsurf:', 'claude:', 'zed:']);
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+:$/;
export const MAX_REDIRECT_URI_LENGTH = 1024;

export type RedirectUriCheck = { ok: true } | { ok: false; reason: string };

export interface RedirectUriPolicy {
  /** Hosts https redirect URIs may use; empty = any. Loopback and private-use schemes are not affected. */
  httpsHosts?: readonly string[];
}

export function httpsHostAllowed(hostname: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const host = hostname.toLowerCase();
  return allowed.some((entry) => {
    const wanted = entry.toLowerCase();
    return wanted.startsWith('.') ? host.endsWith(wanted) && host.length > wanted.length : host === wanted;
  });
}

export function checkRedirectUri(value: string, policy: RedirectUriPolicy = {}): RedirectUriCheck {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return { ok: false, reason: 'is too long' };
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) return { ok: false, reason: 'contains whitespace or control characters' };
  if (value.includes('*')) return { ok: false, reason: 'contains a wildcard' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'is not an absolute URI' };
  }
  if (value.includes('#')) return { ok: false, reason: 'contains a fragment' };
  if (url.username || url.password) return { ok: false, reason: 'contains credentials' };
  const scheme = url.protocol.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) return { ok: false, reason: `uses the forbidden scheme ${scheme}` };
  // The URL parser repairs `https:host/x` and `https:///x`; the stored string must be the plain form.
  if ((scheme === 'https:' || scheme === 'http:') && !/^https?:\/\/[^/?#]/i.test(value)) {
    return { ok: false, reason: 'is not of the form scheme://host/path' };
  }
  if (scheme === 'https:') {
    return httpsHostAllowed(url.hostname, policy.httpsHosts ?? [])
      ? { ok: true }
      : { ok: false, reason: `uses the host ${url.hostname}, which is not on this server's list of allowed redirect hosts` };
  }
  if (scheme === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? { ok: true }
      : { ok: false, reason: 'uses http on a host that is not loopback (use https)' };
  }
  if (KNOWN_APP_SCHEMES.has(scheme) || REVERSE_DOMAIN_SCHEME.test(scheme)) return { ok: true };
  return { ok: false, reason: `uses the scheme ${scheme}, which is neither https, loopback http nor a private-use scheme` };
}
