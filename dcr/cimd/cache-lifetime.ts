/**
 * How long a fetched metadata document is trusted before it is fetched again: its own HTTP
 * caching headers (s-maxage, max-age, else Expires), clamped to [min, max]; none: an hour.
 * no-store/no-cache mean "check again soon", not "forget the client": the lower bound. (The
 * registration itself is kept; only the document's freshness is at stake.)
 */
export interface CacheBounds {
  minSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_CACHE_SECONDS = 3600;

export function cacheLifetimeSeconds(headers: { cacheControl?: string | undefined; expires?: string | undefined; date?: string | undefined }, bounds: CacheBounds, now: Date): number {
  const clamp = (seconds: number) => Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, Math.floor(seconds)));
  const directives = new Map(
    (headers.cacheControl ?? '')
      .toLowerCase()
      .split(',')
      .map((part) => part.trim().split('='))
      .filter(([name]) => name)
      .map(([name, value]) => [name!, value?.replace(/^"|"$/g, '')]),
  );
  if (directives.has('no-store') || directives.has('no-cache')) return bounds.minSeconds;
  for (const name of ['s-maxage', 'max-age']) {
    const value = directives.get(name);
    if (value !== undefined && /^\d+$/.test(value)) return clamp(Number(value));
  }
  if (headers.expires) {
    const expires = Date.parse(headers.expires);
    const base = headers.date ? Date.parse(headers.date) : now.getTime();
    if (!Number.isNaN(expires)) return clamp((expires - (Number.isNaN(base) ? now.getTime() : base)) / 1000);
  }
  return clamp(DEFAULT_CACHE_SECONDS);
}
