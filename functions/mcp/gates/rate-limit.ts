import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import type { RateLimitDecision } from '../../../lib/rate-limit.js';
import type { McpRequestContext } from './context.js';

/**
 * The caller's quota (one DynamoDB round trip). Fails closed: without a working counter nobody
 * gets unlimited calls. From here on every answer carries the RateLimit-* headers.
 */
export async function consumeRateLimit(ctx: McpRequestContext) {
  const { endpoint } = ctx;
  const { limit, windowSeconds } = endpoint.config.rateLimit;
  let quota: RateLimitDecision;
  try {
    quota = await endpoint.rateLimiter.consume(`mcp#${ctx.caller!.principal}`, limit, windowSeconds, endpoint.now());
  } catch (error) {
    endpoint.logger.error('Rate limit check failed', { error: error as Error });
    ctx.auditRefused(ctx.callsInBody(), 'error', 'rate_limit_unavailable');
    return ctx.respond(
      jsonRpcErrorResponse(503, JsonRpcErrorCode.ServerError, 'Service temporarily unavailable; retry shortly', { 'Retry-After': '1' }),
    );
  }
  ctx.quotaHeaders = {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(quota.remaining),
    'RateLimit-Reset': String(quota.retryAfterSeconds),
  };
  if (quota.allowed) return undefined;
  ctx.auditRefused(ctx.callsInBody(), 'denied', 'rate_limited');
  return ctx.respond(
    jsonRpcErrorResponse(
      429,
      JsonRpcErrorCode.ServerError,
      `Too many requests: at most ${limit} per ${windowSeconds} s per caller; retry after ${quota.retryAfterSeconds} s`,
      { 'Retry-After': String(quota.retryAfterSeconds) },
    ),
  );
}
