import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The number of active dynamic clients, published as a CloudWatch metric (embedded metric
 * format, no API call) so that an alarm fires before the user pool's app client quota is reached.
 */
export const METRICS_NAMESPACE = 'SecureMcp';
export const CLIENT_COUNT_METRIC = 'DynamicClientCount';

export function createDcrMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'secure-mcp' });
}

export function recordClientCount(metrics: Metrics, count: number): void {
  metrics.addMetric(CLIENT_COUNT_METRIC, MetricUnit.Count, count);
}
