import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../functions/mcp/audit/audit.js';
import { recordCallMetrics } from '../../functions/mcp/audit/call-metrics.js';

/**
 * The MCP function's per-call metrics through the real Powertools Metrics, as the function's
 * container creates it, reading what it writes (CloudWatch's embedded metric format on stdout,
 * warnings on stderr).
 */

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  requestId: 'r1',
  principal: 'user-1',
  sub: 'user-1',
  clientId: 'client-1',
  authMethod: 'jwt',
  kind: 'tool',
  target: 'whoami',
  tool: 'whoami',
  inputSha256: '0'.repeat(64),
  outcome: 'ok',
  durationMs: 12.5,
  sourceIp: '192.0.2.1',
  userAgent: 'test',
  era: 'modern',
  protocolVersion: '2026-07-28',
  ...overrides,
});

let written: { stdout: string[]; stderr: string[] };
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SecureMcp');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'secure-mcp');
  vi.stubEnv('POWERTOOLS_DEV', '');
  written = { stdout: [], stderr: [] };
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => (written[stream].push(String(chunk)), true));
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const records = () => written.stdout.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));

describe('MCP call metrics (functions/mcp/audit/call-metrics.ts)', () => {
  it('writes one record per call with every metric under the target, and no warning', () => {
    const metrics = new Metrics();
    recordCallMetrics(metrics, event());
    recordCallMetrics(metrics, event({ target: 'notes_get', tool: 'notes_get', outcome: 'denied', reason: 'missing_scope:read', durationMs: 3 }));
    const [first, second] = records();
    expect(records()).toHaveLength(2);
    expect(first._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'tool']]);
    expect(first._aws.CloudWatchMetrics[0].Metrics.map((metric: { Name: string }) => metric.Name)).toEqual(['ToolCalls', 'ToolLatency']);
    expect(first).toMatchObject({ service: 'secure-mcp', tool: 'whoami', ToolCalls: 1, ToolLatency: 12.5 });
    // The first call's dimension does not stay for the next.
    expect(second).toMatchObject({ tool: 'notes_get', ToolCalls: 1, ToolLatency: 3, ToolDenied: 1 });
    expect(written.stderr.join('') + written.stdout.filter((line) => !line.includes('"_aws"')).join('')).toBe('');
  });

  it('names resource and prompt metrics by their kind, an internal error included', () => {
    const metrics = new Metrics();
    recordCallMetrics(metrics, event({ kind: 'resource', target: 'note', tool: undefined, outcome: 'error', reason: 'internal' }));
    expect(records()[0]).toMatchObject({ resource: 'note', ResourceCalls: 1, ResourceErrors: 1 });
    expect(records()[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'resource']]);
  });
});
