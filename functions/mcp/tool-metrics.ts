import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEvent } from './audit.js';

/**
 * CloudWatch metrics (embedded metric format, written with the log) for every tool call:
 * ToolCalls and ToolLatency by tool, ToolDenied by tool when the caller lacked the scope, and
 * ToolErrors by tool for internal errors.
 */
export function recordToolMetrics(metrics: Metrics, event: AuditEvent): void {
  const single = metrics.singleMetric();
  single.addDimension('tool', event.tool);
  single.addMetric('ToolCalls', MetricUnit.Count, 1);
  single.addMetric('ToolLatency', MetricUnit.Milliseconds, event.durationMs);
  if (event.outcome === 'denied') single.addMetric('ToolDenied', MetricUnit.Count, 1);
  if (event.outcome === 'error' && event.reason === 'internal') single.addMetric('ToolErrors', MetricUnit.Count, 1);
  single.publishStoredMetrics();
}
