import { signRequest } from './sigv4.js';
import type { AwsCredentials } from './sts-assume-role.js';

/**
 * CloudWatch DescribeAlarms, SDK-free: the AWS JSON 1.0 protocol (POST `/`, X-Amz-Target
 * `GraniteServiceVersion20100801.DescribeAlarms`), signed with SigV4 (service `monitoring`) by
 * ./sigv4.ts, as lib/aws/sts-assume-role.ts does for STS. Which protocols CloudWatch accepts comes
 * from the AWS SDK's own model (@aws-sdk/client-cloudwatch 3.x, a development dependency, never
 * bundled): AWS JSON 1.0, its default, with `awsQueryCompatible` (so it sends
 * `x-amzn-query-mode: true` and errors carry `x-amzn-query-error: Code;Sender`), and the older AWS
 * Query (`Action=DescribeAlarms&Version=2010-08-01`, XML answers); no CBOR. JSON 1.0 is used: no
 * XML parser, the same shape as the DynamoDB adapter. Timestamps arrive as epoch seconds.
 *
 * Always asks for metric alarms in ALARM state whose names start with the configured prefix: the
 * tool role may describe only those (resources/iam.yml; DescribeAlarms cannot be limited by
 * resource tags, and a permission narrower than "*" returns no composite alarms anyway).
 */
export const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.DescribeAlarms';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface MetricAlarm {
  name: string;
  arn: string;
  description?: string;
  reason: string;
  /** ISO 8601. */
  stateUpdatedAt: string;
  namespace?: string;
  metricName?: string;
  threshold?: number;
  comparisonOperator?: string;
}

export interface AlarmPage {
  alarms: MetricAlarm[];
  nextToken?: string;
}

export interface DescribeAlarmsQuery {
  prefix: string;
  maxRecords: number;
  nextToken?: string;
}

export type DescribeAlarms = (credentials: AwsCredentials, query: DescribeAlarmsQuery, signal?: AbortSignal) => Promise<AlarmPage>;

/** A failed call: `name` is CloudWatch's error code (AccessDenied, InvalidNextToken, Throttling, ...) or NetworkError / TimeoutError / InvalidResponse. */
export class CloudWatchError extends Error {
  constructor(
    name: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = name;
  }
}

export interface CloudWatchOptions {
  region: string;
  endpoint: string;
  fetch?: typeof fetch;
}

export function createDescribeAlarms(options: CloudWatchOptions): DescribeAlarms {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const scope = { service: 'monitoring', region: options.region };
  return async (credentials, query, signal) => {
    const body = JSON.stringify({
      AlarmNamePrefix: query.prefix,
      StateValue: 'ALARM',
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: query.maxRecords,
      ...(query.nextToken ? { NextToken: query.nextToken } : {}),
    });
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': CLOUDWATCH_TARGET, 'x-amzn-query-mode': 'true' }, body }, credentials, scope);
    let response: Response;
    let text: string;
    try {
      response = await send(url, { method: 'POST', headers, body, signal });
      text = await response.text();
    } catch {
      if (signal?.aborted) throw new CloudWatchError('TimeoutError', 'CloudWatch DescribeAlarms timed out');
      throw new CloudWatchError('NetworkError', 'CloudWatch DescribeAlarms: no response');
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CloudWatchError(response.ok ? 'InvalidResponse' : `Http${response.status}Error`, `CloudWatch DescribeAlarms answered ${response.status} without JSON`, response.status);
    }
    if (!response.ok) throw errorOf(response, parsed);
    return pageOf(parsed);
  };
}

function errorOf(response: Response, parsed: Record<string, unknown>): CloudWatchError {
  // The query-compatible code first (what the AWS Query protocol would have said), else __type.
  const compatible = response.headers.get('x-amzn-query-error')?.split(';')[0];
  const type = typeof parsed.__type === 'string' ? parsed.__type.slice(parsed.__type.lastIndexOf('#') + 1) : undefined;
  const name = compatible || type || `Http${response.status}Error`;
  const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
  return new CloudWatchError(name, `CloudWatch DescribeAlarms failed with ${name} (HTTP ${response.status})${message ? `: ${message.slice(0, 300)}` : ''}`, response.status);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function pageOf(parsed: Record<string, unknown>): AlarmPage {
  const raw = parsed.MetricAlarms;
  if (raw !== undefined && !Array.isArray(raw)) throw new CloudWatchError('InvalidResponse', 'CloudWatch DescribeAlarms: MetricAlarms is not a list');
  const alarms = ((raw ?? []) as Array<Record<string, unknown>>).map((alarm): MetricAlarm => {
    const name = text(alarm.AlarmName);
    const arn = text(alarm.AlarmArn);
    const updated = alarm.StateUpdatedTimestamp;
    if (!name || !arn || typeof updated !== 'number') throw new CloudWatchError('InvalidResponse', 'CloudWatch DescribeAlarms: an alarm lacks its name, ARN or state time');
    return {
      name,
      arn,
      ...(text(alarm.AlarmDescription) ? { description: text(alarm.AlarmDescription) } : {}),
      reason: text(alarm.StateReason) ?? '',
      stateUpdatedAt: new Date(updated * 1000).toISOString(),
      ...(text(alarm.Namespace) ? { namespace: text(alarm.Namespace) } : {}),
      ...(text(alarm.MetricName) ? { metricName: text(alarm.MetricName) } : {}),
      ...(typeof alarm.Threshold === 'number' ? { threshold: alarm.Threshold } : {}),
      ...(text(alarm.ComparisonOperator) ? { comparisonOperator: text(alarm.ComparisonOperator) } : {}),
    };
  });
  const nextToken = text(parsed.NextToken);
  return { alarms, ...(nextToken ? { nextToken } : {}) };
}

/**
 * The CloudWatch endpoint the AWS SDK would use: AWS_ENDPOINT_URL_CLOUDWATCH, then
 * AWS_ENDPOINT_URL, else `https://monitoring.{region}.amazonaws.com` (`monitoring-fips` with
 * AWS_USE_FIPS_ENDPOINT=true). Undefined when the environment does not say.
 */
export function cloudWatchEndpoint(env: Record<string, string | undefined>, region: string): string | undefined {
  const override = env.AWS_ENDPOINT_URL_CLOUDWATCH || env.AWS_ENDPOINT_URL;
  if (override) {
    try {
      const parsed = new URL(override);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      // Not a URL: no endpoint.
    }
    return undefined;
  }
  if (!/^[a-z]{2,4}(?:-[a-z]+)+-\d+$/.test(region)) return undefined;
  const suffix = /^cn-/.test(region) ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'monitoring-fips' : 'monitoring'}.${region}.${suffix}`;
}
