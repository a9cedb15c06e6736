import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEvent } from './audit.js';

const PREFIX = { tool: 'Tool', resource: 'Resource', prompt: 'Prompt' } as const;

/**
 * CloudWatch metrics (embedded metric format, written with the log) for every call, by its
 * target: ToolCalls and ToolLatency by tool, ToolDenied when the caller lacked the scope,
 * ToolErrors for internal errors; the same as ResourceCalls... by resource template and
 * PromptCalls... by prompt. One record per call, every metric under the target's dimension. Not
 * `metrics.singleMetric()`: it publishes at each addMetric and then drops the dimension, so only
 * the first metric carried it, and the publish after them logged Powertools' "No application
 * metrics to publish" warning on every call. Synchronous from the dimension to the publish, so no
 * other call's metrics can interleave.
 */
export function recordCallMetrics(metrics: Metrics, event: AuditEvent): void {
  const prefix = PREFIX[event.kind];
  metrics.addDimension(event.kind, event.target);
  metrics.addMetric(`${prefix}Calls`, MetricUnit.Count, 1);
  metrics.addMetric(`${prefix}Latency`, MetricUnit.Milliseconds, event.durationMs);
  if (event.outcome === 'denied') metrics.addMetric(`${prefix}Denied`, MetricUnit.Count, 1);
  if (event.outcome === 'error' && event.reason === 'internal') metrics.addMetric(`${prefix}Errors`, MetricUnit.Count, 1);
  // Clears the metrics and the target's dimension (the default ones stay) for the next call.
  metrics.publishStoredMetrics();
}
