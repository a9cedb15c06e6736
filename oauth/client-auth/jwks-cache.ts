import { type CacheBounds, cacheLifetimeSeconds } from '../../dcr/cimd/cache-lifetime.js';
import { type PublicJwks, parsePublicJwks } from '../../dcr/cimd/client-keys.js';
import { type CimdHostPolicy, checkClientIdUrl } from '../../dcr/cimd/client-id-url.js';
import { CimdFetchError, type FetchedDocument } from '../../dcr/cimd/safe-fetch.js';

/**
 * The JWK Sets of clients' `jwks_uri`s, kept in the function's memory. A set is fetched through the
 * same SSRF-safe fetch as metadata documents (dcr/cimd/safe-fetch.ts: public addresses only, no
 * redirects, a time limit; at most 64 KB) and kept as its HTTP caching headers say, between one
 * minute and one hour (a key the client removed is trusted at most an hour longer). A `kid` the
 * cached set lacks (the client rotated its key) fetches the set again at once, but at most once a
 * minute per URI, so assertions naming made-up kids cannot make this server hammer a client's host.
 * When a refetch fails for a network reason, a set fetched within the last hour is still used.
 */
export const MAX_JWKS_BYTES = 65_536;
export const JWKS_CACHE_BOUNDS: CacheBounds = { minSeconds: 60, maxSeconds: 3600 };
export const UNKNOWN_KID_REFETCH_SECONDS = 60;
const STALE_IF_ERROR_SECONDS = 3600;
const MAX_ENTRIES = 200;

export class ClientKeysError extends Error {
  override readonly name = 'ClientKeysError';
  /** The message is the client's to read; `detail` (the platform's own text) only logged. */
  constructor(message: string, readonly detail?: string, readonly transient = false) {
    super(message);
  }
}

export interface JwksCacheDependencies {
  /** The document fetch, bounded to MAX_JWKS_BYTES by the caller. */
  fetch: (url: URL, local: boolean) => Promise<FetchedDocument>;
  hosts: CimdHostPolicy;
  now?: () => Date;
}

interface Entry {
  jwks: PublicJwks;
  fetchedAt: number;
  freshUntil: number;
}

export type JwksCache = (jwksUri: string, kid: string | undefined) => Promise<PublicJwks>;

export function jwksCache(deps: JwksCacheDependencies): JwksCache {
  const entries = new Map<string, Entry>();
  const seconds = () => Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);

  async function fetchSet(uri: string): Promise<Entry> {
    // The URI was checked when the document was read; the operator's host rules may have changed since.
    const check = checkClientIdUrl(uri, deps.hosts);
    if (!check.ok) throw new ClientKeysError(`The client's jwks_uri ${check.reason}`);
    let fetched: FetchedDocument;
    try {
      fetched = await deps.fetch(check.url, check.local);
    } catch (error) {
      if (error instanceof CimdFetchError) throw new ClientKeysError(`The client's keys could not be fetched: ${error.message}`, error.detail, error.transient);
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fetched.body));
    } catch {
      throw new ClientKeysError("The client's jwks_uri does not serve JSON");
    }
    const jwks = parsePublicJwks(body);
    if (typeof jwks === 'string') throw new ClientKeysError(`The client's jwks_uri: ${jwks}`);
    const now = seconds();
    return { jwks, fetchedAt: now, freshUntil: now + cacheLifetimeSeconds(fetched, JWKS_CACHE_BOUNDS, new Date(now * 1000)) };
  }

  return async (uri, kid) => {
    const now = seconds();
    const entry = entries.get(uri);
    if (entry) {
      const knowsKid = kid === undefined || entry.jwks.keys.some((key) => key.kid === kid);
      const fresh = entry.freshUntil > now;
      if (fresh && (knowsKid || now - entry.fetchedAt < UNKNOWN_KID_REFETCH_SECONDS)) return entry.jwks;
    }
    let next: Entry;
    try {
      next = await fetchSet(uri);
    } catch (error) {
      if (entry && error instanceof ClientKeysError && error.transient && now < entry.freshUntil + STALE_IF_ERROR_SECONDS) return entry.jwks;
      throw error;
    }
    entries.delete(uri);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(uri, next);
    return next.jwks;
  };
}
