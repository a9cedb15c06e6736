import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The number of active app clients in the registry, whoever registered them (lib/client-record.ts
 * isActiveAppClient; the name is older than that wording, and alarms and dashboards use it),
 * published as a CloudWatch metric (embedded metric format, no API call) so that an alarm fires
 * before the user pool's app client quota is reached.
 */
export const CLIENT_COUNT_METRIC = 'DynamicClientCount';

export function createDcrMetrics(): Metrics {
  // Namespace and service from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME (serverless.yml).
  return new Metrics();
}

export function recordClientCount(metrics: Metrics, count: number): void {
  metrics.addMetric(CLIENT_COUNT_METRIC, MetricUnit.Count, count);
}
