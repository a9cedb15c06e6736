import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEvent } from './audit.js';

const PREFIX = { tool: 'Tool', resource: 'Resource', prompt: 'Prompt' } as const;

/**
 * CloudWatch metrics (embedded metric format, written with the log) for every call, by its
 * target: ToolCalls and ToolLatency by tool, ToolDenied when the caller lacked the scope,
 * ToolErrors for internal errors; the same as ResourceCalls... by resource template and
 * PromptCalls... by prompt.
 *
 * One single-metric object per metric: Powertools publishes a single metric as soon as it is added
 * and drops its dimensions with it, so a second metric added to the same object would be written
 * without the target's dimension (tests/unit/template-operations.test.ts reads what is written).
 */
export function recordCallMetrics(metrics: Metrics, event: AuditEvent): void {
  const prefix = PREFIX[event.kind];
  const byTarget = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
    const single = metrics.singleMetric();
    single.addDimension(event.kind, event.target);
    single.addMetric(name, unit, value);
  };
  byTarget(`${prefix}Calls`, MetricUnit.Count, 1);
  byTarget(`${prefix}Latency`, MetricUnit.Milliseconds, event.durationMs);
  if (event.outcome === 'denied') byTarget(`${prefix}Denied`, MetricUnit.Count, 1);
  if (event.outcome === 'error' && event.reason === 'internal') byTarget(`${prefix}Errors`, MetricUnit.Count, 1);
}
