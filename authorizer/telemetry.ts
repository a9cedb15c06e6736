import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Decision } from './decide-access.js';

/** CloudWatch metric names (namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service`). */
export const METRICS = {
  /** Every denial except a request without any token (MCP discovery starts with one): the alarm's metric. */
  authenticationFailures: 'AuthenticationFailures',
  /** Denials with a `reason` dimension (expired, bad_signature, revoked, unknown_client, ...). */
  denied: 'AuthorizerDenied',
  allowed: 'AuthorizerAllowed',
  /** `lastUsedAt` refreshes that failed or timed out (the decision stood; the next request retries). */
  touchFailures: 'ClientTouchFailures',
} as const;

export interface RequestFacts {
  requestId?: string | undefined;
  sourceIp?: string | undefined;
}

/** Logs and counts a failed `lastUsedAt` refresh: by error name only, never a token. */
export function recordTouchFailure(error: unknown, logger: Logger, metrics: Metrics): void {
  metrics.addMetric(METRICS.touchFailures, MetricUnit.Count, 1);
  logger.warn("Could not refresh the client's lastUsedAt", { error: error instanceof Error ? error.name : 'unknown' });
}

/**
 * Logs and counts one decision. The log names the reason and a token-free detail, plus the
 * request id (the 401 body carries the same id in AWS) so an owner can find why a call failed.
 */
export function recordDecision(decision: Decision, request: RequestFacts, logger: Logger, metrics: Metrics): void {
  if (decision.effect === 'allow') {
    const { identity } = decision;
    metrics.addMetric(METRICS.allowed, MetricUnit.Count, 1);
    logger.info('Allowed', {
      ...request,
      authMethod: identity.authMethod,
      principal: identity.principal,
      clientId: identity.clientId,
      jti: identity.tokenId,
    });
    return;
  }
  if (decision.reason !== 'missing_token') metrics.addMetric(METRICS.authenticationFailures, MetricUnit.Count, 1);
  const byReason = metrics.singleMetric();
  byReason.addDimension('reason', decision.reason);
  byReason.addMetric(METRICS.denied, MetricUnit.Count, 1);
  const log = decision.reason === 'dependency_failure' || decision.reason === 'internal_error' ? logger.error : logger.info;
  log.call(logger, 'Denied', { ...request, reason: decision.reason, detail: decision.detail });
}
