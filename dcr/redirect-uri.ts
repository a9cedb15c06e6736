import { isLoopbackHost } from '../lib/http/loopback.js';

/**
 * Which redirect URIs a dynamically registered client may use (OAuth 2.1 §7.5, RFC 8252 §7):
 *  - https, on any host or, when the operator sets an allow-list, only on the hosts it names
 *    (`claude.ai` matches that host exactly; `.example.com` matches every subdomain of example.com);
 *  - http only on a loopback host, for CLI and desktop clients;
 *  - a private-use scheme for native apps: reverse-domain style (`com.example.app:/cb`) or a
 *    scheme real MCP clients use (`cursor://`, `vscode://`, ...).
 * Never a fragment, credentials (userinfo) in the URI, wildcards, or script/data/file-like schemes.
 *
 * A URI is accepted only in its WHATWG URL serialisation (what `new URL(x).href` gives, which is
 * how browsers read it): `https://claude.ai\@evil.com/cb` is `https://claude.ai/@evil.com/cb` to a
 * browser but has the host evil.com for an RFC 3986 parser, and `https://CLAUDE.ai:443/%2e%2e/cb`,
 * `https://claude%2Eai/cb` or `https://cláude.ai/cb` each mean another string to whatever compares
 * them later. When what was sent is what browsers read, every party (this check, the host
 * allow-list, Cognito's exact match, the browser) sees the same URI. The one tolerated difference
 * is a missing root path (`http://localhost:8080` for `http://localhost:8080/`): RFC 3986 §6.2.3
 * makes the two equal and every parser reads the same host, so the URI is kept as sent.
 * Private-use schemes are "non-special" to WHATWG: their host is opaque (not lower-cased, not
 * IDN-mapped), `myapp:/cb` has no host and `myapp://cb` the host "cb"; both serialise to themselves.
 */

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

const refused = (reason: string): RedirectUriCheck => ({ ok: false, reason });

/** The `user:pass@` part of `scheme://user:pass@host/…`, which WHATWG drops when it is empty (`https://@host`). */
const hasUserinfo = (value: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value);

/** The form the URI is compared in: its WHATWG serialisation (see the top of this file). */
export function redirectUriKey(value: string): string {
  return new URL(value).href;
}

function inNormalForm(value: string, url: URL): boolean {
  if (url.href === value) return true;
  const special = url.protocol === 'https:' || url.protocol === 'http:';
  return special && url.pathname === '/' && url.search === '' && url.href === `${value}/`;
}

export function checkRedirectUri(value: string, policy: RedirectUriPolicy = {}): RedirectUriCheck {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return refused('is too long');
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) return refused('contains whitespace or control characters');
  // Browsers read `\` as `/`, RFC 3986 parsers as an ordinary character: never in a redirect URI.
  if (value.includes('\\')) return refused('contains a backslash');
  if (value.includes('*')) return refused('contains a wildcard');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refused('is not an absolute URI');
  }
  if (value.includes('#')) return refused('contains a fragment');
  if (hasUserinfo(value) || url.username || url.password) return refused('contains credentials (user information before @)');
  const scheme = url.protocol;
  if (FORBIDDEN_SCHEMES.has(scheme)) return refused(`uses the forbidden scheme ${scheme}`);
  // The URL parser repairs `https:host/x` and `https:///x`; the stored string must be the plain form.
  if ((scheme === 'https:' || scheme === 'http:') && !/^https?:\/\/[^/?#]/i.test(value)) {
    return refused('is not of the form scheme://host/path');
  }
  if (url.hostname.endsWith('.')) return refused('has a host name ending in a dot');
  if (!inNormalForm(value, url)) {
    return refused(`is not in normal form: browsers read it as ${url.href}; register the URI exactly as that`);
  }
  if (scheme === 'https:') {
    return httpsHostAllowed(url.hostname, policy.httpsHosts ?? [])
      ? { ok: true }
      : refused(`uses the host ${url.hostname}, which is not on this server's list of allowed redirect hosts`);
  }
  if (scheme === 'http:') {
    return isLoopbackHost(url.hostname) ? { ok: true } : refused('uses http on a host that is not loopback (use https)');
  }
  if (KNOWN_APP_SCHEMES.has(scheme) || REVERSE_DOMAIN_SCHEME.test(scheme)) return { ok: true };
  return refused(`uses the scheme ${scheme}, which is neither https, loopback http nor a private-use scheme`);
}
