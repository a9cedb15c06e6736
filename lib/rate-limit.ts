import type { Documents } from './dynamodb/documents.js';

/**
 * Fixed-window rate limiting in DynamoDB: one conditional UpdateItem per check, so it is exact
 * under any concurrency (DynamoDB serialises writes to an item) and costs one round trip.
 * Rows are keyed `{key}#{windowStart}` and expire (TTL `expiresAt`) after their window.
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

export function dynamoDbRateLimiter(tableName: string, documents: Documents): RateLimiter {
  return {
    async consume(key, limit, windowSeconds, now = new Date()) {
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const windowStart = nowSeconds - (nowSeconds % windowSeconds);
      const windowEnd = windowStart + windowSeconds;
      const retryAfterSeconds = Math.max(1, windowEnd - nowSeconds);
      try {
        const result = await documents.update({
            TableName: tableName,
            Key: { pk: `${key}#${windowStart}` },
            UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': windowEnd + 60 },
            ReturnValues: 'UPDATED_NEW',
        });
        const count = Number(result.Attributes?.count ?? limit);
        return { allowed: true, limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
      } catch (error) {
        if ((error as Error)?.name === 'ConditionalCheckFailedException') {
          return { allowed: false, limit, remaining: 0, retryAfterSeconds };
        }
        throw error;
      }
    },
  };
}
