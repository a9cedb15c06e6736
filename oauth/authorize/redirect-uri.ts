import { isLoopbackHost } from '../../lib/http/loopback.js';
import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

/**
 * Which redirect URI this request may be answered at (OAuth 2.1 §4.1.1, RFC 8252 §7.3):
 *  - exactly one of the client's registered URIs, compared as strings; or
 *  - for a registered loopback URI (http on localhost, 127.0.0.1 or [::1]): the same host, path
 *    and query on any port, because native apps get a free port from the OS at run time. The three
 *    hosts never stand in for each other (they can resolve differently), and the requested URI must
 *    be in the form browsers read (`new URL(x).href`), so `%2e%2e`, backslashes, userinfo or a
 *    fragment never reach the comparison.
 * `redirect_uri` may be left out only when the client registered one URI and it is not loopback.
 * Until this check passes, every error is a page (the URI may be an attacker's).
 */

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The request's URI as browsers read it, tolerating only a missing root path (`http://localhost:8080`). */
function inReadForm(value: string, url: URL): boolean {
  return url.href === value || (url.pathname === '/' && url.search === '' && url.href === `${value}/`);
}

function loopbackMatch(requested: string, registered: string): boolean {
  const want = parse(registered);
  const got = parse(requested);
  if (!want || !got) return false;
  if (want.protocol !== 'http:' || got.protocol !== 'http:') return false;
  if (!isLoopbackHost(want.hostname) || want.hostname !== got.hostname) return false;
  if (requested.includes('#') || requested.includes('\\') || got.username || got.password || /@/.test(requested)) return false;
  if (!inReadForm(requested, got)) return false;
  return got.pathname === want.pathname && got.search === want.search;
}

export function redirectUriMatches(requested: string, registered: readonly string[]): boolean {
  return registered.some((uri) => uri === requested || loopbackMatch(requested, uri));
}

const isLoopback = (uri: string) => {
  const url = parse(uri);
  return url?.protocol === 'http:' && isLoopbackHost(url.hostname);
};

export function checkRedirectUri(ctx: AuthorizeContext): void {
  const client = ctx.client!;
  const requested = ctx.params.redirect_uri;
  if (requested === undefined) {
    if (client.redirectUris.length === 1 && !isLoopback(client.redirectUris[0]!)) {
      ctx.redirectUri = client.redirectUris[0];
      return;
    }
    throw oauthError('invalid_request', 'The request has no redirect_uri, and this client has more than one or a loopback one');
  }
  if (requested.length > 1024 || !redirectUriMatches(requested, client.redirectUris)) {
    throw oauthError('invalid_request', 'The redirect_uri is not one this client registered');
  }
  ctx.redirectUri = requested;
}
