import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEvent } from './audit.js';

const PREFIX = { tool: 'Tool', resource: 'Resource', prompt: 'Prompt' } as const;

/**
 * CloudWatch metrics (embedded metric format, written with the log) for every call, by its
 * target: ToolCalls and ToolLatency by tool, ToolDenied when the caller lacked the scope,
 * ToolErrors for internal errors; the same as ResourceCalls... by resource template and
 * PromptCalls... by prompt.
 */
export function recordCallMetrics(metrics: Metrics, event: AuditEvent): void {
  const prefix = PREFIX[event.kind];
  const single = metrics.singleMetric();
  single.addDimension(event.kind, event.target);
  single.addMetric(`${prefix}Calls`, MetricUnit.Count, 1);
  single.addMetric(`${prefix}Latency`, MetricUnit.Milliseconds, event.durationMs);
  if (event.outcome === 'denied') single.addMetric(`${prefix}Denied`, MetricUnit.Count, 1);
  if (event.outcome === 'error' && event.reason === 'internal') single.addMetric(`${prefix}Errors`, MetricUnit.Count, 1);
  single.publishStoredMetrics();
}
