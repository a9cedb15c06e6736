import type { Documents } from './dynamodb/documents.js';

/**
 * Fixed-window rate limiting in DynamoDB. Rows are keyed `{key}#{windowStart}`, hold the count of
 * requests admitted in that window and expire (TTL `expiresAt`) after it. Every change is one
 * conditional UpdateItem, so the count is exact under any concurrency (DynamoDB serialises writes
 * to an item) and never passes the limit.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(key: string, limit: number, windowSeconds: number, now?: Date): Promise<RateLimitDecision>;
}

/** The fixed window `now` falls in, in epoch seconds. */
export interface RateLimitWindow {
  start: number;
  end: number;
  /** Seconds until the window resets: at least 1. */
  retryAfterSeconds: number;
}

export function rateLimitWindow(now: Date, windowSeconds: number): RateLimitWindow {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const start = nowSeconds - (nowSeconds % windowSeconds);
  const end = start + windowSeconds;
  return { start, end, retryAfterSeconds: Math.max(1, end - nowSeconds) };
}

/** The shared count: reserves `amount` requests of a window if that keeps it within `limit`. */
export interface RateLimitCounter {
  /** The window's count after the reservation, or undefined (nothing written) if it would pass `limit`. */
  reserve(key: string, window: RateLimitWindow, amount: number, limit: number): Promise<number | undefined>;
}

export function dynamoDbRateLimitCounter(tableName: string, documents: Documents): RateLimitCounter {
  return {
    async reserve(key, window, amount, limit) {
      try {
        const result = await documents.update({
          TableName: tableName,
          Key: { pk: `${key}#${window.start}` },
          UpdateExpression: 'ADD #count :amount SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':amount': amount, ':most': limit - amount, ':expiresAt': window.end + 60 },
          ReturnValues: 'UPDATED_NEW',
        });
        return Number(result.Attributes?.count ?? limit);
      } catch (error) {
        if ((error as Error)?.name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },
  };
}

/** One reservation per request: the exact limiter, one round trip per check. */
export function dynamoDbRateLimiter(tableName: string, documents: Documents): RateLimiter {
  const counter = dynamoDbRateLimitCounter(tableName, documents);
  return {
    async consume(key, limit, windowSeconds, now = new Date()) {
      const window = rateLimitWindow(now, windowSeconds);
      const count = await counter.reserve(key, window, 1, limit);
      if (count === undefined) return { allowed: false, limit, remaining: 0, retryAfterSeconds: window.retryAfterSeconds };
      return { allowed: true, limit, remaining: Math.max(0, limit - count), retryAfterSeconds: window.retryAfterSeconds };
    },
  };
}
