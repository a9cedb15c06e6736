import { httpsHostAllowed } from '../redirect-uri.js';
import { type LocalCimdOrigins, isLocalCimdOrigin } from './local-origins.js';

/**
 * A client_id that is a Client ID Metadata Document URL, checked before any I/O: https, a path
 * other than `/`, no userinfo, query or fragment, at most 512 characters, and already in the form
 * WHATWG URL parsing gives (`new URL(id).href === id`): the draft says the URL is used as is, never
 * normalised, so upper-case hosts, `:443`, `/./`, encoded dots, numeric IPv4 forms or IDN would
 * each name a different document than the one fetched. The host must pass the operator's policy
 * and may not be localhost (LOCAL_CIMD_ORIGINS, local stack only, is the one exception).
 */
export const MAX_CLIENT_ID_URL_LENGTH = 512;

export interface CimdHostPolicy {
  /** Hosts allowed (dcrRedirectHosts syntax: `example.com`, `.example.com`); empty = any. */
  allowedHosts: readonly string[];
  deniedHosts: readonly string[];
  localOrigins?: LocalCimdOrigins;
}

export type ClientIdUrlCheck = { ok: true; url: URL; local: boolean } | { ok: false; reason: string };

const refuse = (reason: string): ClientIdUrlCheck => ({ ok: false, reason });

/** Does this client_id look like a URL at all (as opposed to a Cognito id)? */
export const looksLikeUrl = (clientId: string) => /^[a-z][a-z0-9+.-]*:/i.test(clientId);

export function checkClientIdUrl(clientId: string, policy: CimdHostPolicy): ClientIdUrlCheck {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) return refuse(`is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return refuse('is not a URL');
  }
  const local = isLocalCimdOrigin(url.origin, policy.localOrigins);
  if (url.protocol !== 'https:' && !local) return refuse('must be an https URL');
  if (url.href !== clientId) return refuse(`is not in normal form (it reads as ${url.href})`);
  if (url.username || url.password || clientId.includes('@')) return refuse('must not contain user information');
  if (url.search || clientId.includes('?')) return refuse('must not have a query');
  if (url.hash || clientId.includes('#')) return refuse('must not have a fragment');
  if (url.pathname === '/' || url.pathname === '') return refuse('must have a path');
  if (/(^|\/)\.\.?(\/|$)/.test(url.pathname) || /%2e/i.test(url.pathname)) return refuse('must not contain dot segments');
  if (local) return { ok: true, url, local };
  const host = url.hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.')) return refuse('must not be on localhost');
  if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith('[')) return refuse('must use a host name, not an IP address');
  if (host.startsWith('xn--') || host.includes('.xn--')) return refuse('must not use an internationalised host name');
  if (policy.deniedHosts.length > 0 && httpsHostAllowed(host, policy.deniedHosts)) return refuse(`uses the host ${host}, which this server denies`);
  if (!httpsHostAllowed(host, policy.allowedHosts)) return refuse(`uses the host ${host}, which is not on this server's list`);
  return { ok: true, url, local };
}
