import { type RateLimitCounter, type RateLimiter, rateLimitWindow } from './rate-limit.js';

/**
 * A rate limiter that reserves requests from the shared DynamoDB count a few at a time (a lease)
 * and admits the rest of a reservation from memory: one round trip per `lease` requests of a
 * caller on one container instead of one per request. It never admits more than the limit (every
 * admitted request was reserved in the shared count first); what it can do is refuse a little
 * early, when another container still holds unused requests of the window: at most `lease - 1`
 * per container the caller's requests reached. Near the limit it reserves only what is left, and
 * once the shared count is full it refuses for the rest of the window without asking again (a
 * fixed window's count never goes down). `lease: 1` is the exact limiter.
 */
export interface RateLimitLeaseOptions {
  /** Requests reserved per round trip. */
  lease: number;
  /** Callers whose leases one container remembers; the oldest is forgotten (its lease unused) beyond it. */
  maxKeys?: number;
}

interface Held {
  windowStart: number;
  /** Reserved for this container and not yet used. */
  left: number;
  /** The shared count after this container's last reservation (the limit once a reservation was refused). */
  count: number;
  /** A reservation on its way: other requests of the caller wait for it instead of asking too. */
  pending?: Promise<void>;
}

export function leasedRateLimiter(counter: RateLimitCounter, { lease, maxKeys = 10_000 }: RateLimitLeaseOptions): RateLimiter {
  const held = new Map<string, Held>();

  function current(key: string, windowStart: number): Held {
    const known = held.get(key);
    if (known?.windowStart === windowStart) return known;
    if (known) held.delete(key);
    else if (held.size >= maxKeys) held.delete(held.keys().next().value!);
    const fresh: Held = { windowStart, left: 0, count: 0 };
    held.set(key, fresh);
    return fresh;
  }

  return {
    async consume(key, limit, windowSeconds, now = new Date()) {
      const window = rateLimitWindow(now, windowSeconds);
      for (;;) {
        const mine = current(key, window.start);
        if (mine.left > 0) {
          mine.left -= 1;
          return { allowed: true, limit, remaining: Math.max(0, limit - mine.count + mine.left), retryAfterSeconds: window.retryAfterSeconds };
        }
        // A fixed window's count never goes down: once this container saw it full, it stays full.
        if (mine.count >= limit) return { allowed: false, limit, remaining: 0, retryAfterSeconds: window.retryAfterSeconds };
        if (!mine.pending) {
          mine.pending = (async () => {
            // No more than the last reservation left of the limit, so that near it the first ask fits.
            let amount = Math.max(1, Math.min(lease, limit - mine.count));
            let count = await counter.reserve(key, window, amount, limit);
            if (count === undefined && amount > 1) {
              // Other containers took the rest of a lease's worth: one more request may still fit.
              amount = 1;
              count = await counter.reserve(key, window, amount, limit);
            }
            if (count === undefined) mine.count = limit;
            else {
              mine.left += amount;
              mine.count = count;
            }
          })().finally(() => {
            mine.pending = undefined;
          });
        }
        // A failed reservation fails every request waiting on it (the caller refuses them: fail closed).
        await mine.pending;
      }
    },
  };
}
