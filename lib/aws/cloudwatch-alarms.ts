import type { Send } from './http-send.js';
import { AwsJsonError, SDK_STANDARD_RETRY, createAwsJsonCall } from './aws-json-call.js';
import { resolveAwsEndpoint } from './endpoints.js';
import type { AwsCredentials } from './sts-assume-role.js';

/**
 * CloudWatch DescribeAlarms, SDK-free: the AWS JSON 1.0 protocol (POST `/`, X-Amz-Target
 * `GraniteServiceVersion20100801.DescribeAlarms`), sent by ./aws-json-call.ts (SigV4, service
 * `monitoring`) as the DynamoDB, Cognito and Secrets Manager calls are. Which protocols CloudWatch accepts comes
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
const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
export const CLOUDWATCH_TARGET = `${CLOUDWATCH_TARGET_PREFIX}DescribeAlarms`;

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

/**
 * A failed call, the AwsJsonError of every signed JSON call here: `name` is CloudWatch's error
 * code (AccessDenied, InvalidNextToken, Throttling, ...) or TimeoutError / NetworkError /
 * InvalidResponse / Http<status>Error.
 */
export { AwsJsonError as CloudWatchError };

export interface CloudWatchOptions {
  region: string;
  endpoint: string;
  fetch?: Send;
}

// CloudWatch's model names no throttling error of its own: AWS's generic ones (HTTP 429 always counts).
const THROTTLING = new Set(['Throttling', 'ThrottlingException']);
// One attempt: the caller's signal (alarms-service.ts, 3 s) bounds the call; these only keep it within that.
const SINGLE_ATTEMPT = { ...SDK_STANDARD_RETRY, maxAttempts: 1 };
const ATTEMPT_TIMEOUT_MS = 3_000;

export function createDescribeAlarms(options: CloudWatchOptions): DescribeAlarms {
  return async (credentials, query, signal) => {
    // One call per request: the credentials are the caller's own session, not the function's.
    const call = createAwsJsonCall({
      label: 'CloudWatch',
      signingName: 'monitoring',
      region: options.region,
      endpoint: options.endpoint,
      credentials,
      jsonVersion: '1.0',
      targetPrefix: CLOUDWATCH_TARGET_PREFIX,
      headers: { 'x-amzn-query-mode': 'true' },
      throttlingErrors: THROTTLING,
      retry: SINGLE_ATTEMPT,
      attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
      budgetMs: ATTEMPT_TIMEOUT_MS,
      fetch: options.fetch,
    });
    const parsed = await call(
      'DescribeAlarms',
      {
        AlarmNamePrefix: query.prefix,
        StateValue: 'ALARM',
        AlarmTypes: ['MetricAlarm'],
        MaxRecords: query.maxRecords,
        ...(query.nextToken ? { NextToken: query.nextToken } : {}),
      },
      { idempotent: true, signal },
    );
    return pageOf(parsed);
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function pageOf(parsed: Record<string, unknown>): AlarmPage {
  const raw = parsed.MetricAlarms;
  if (raw !== undefined && !Array.isArray(raw)) throw new AwsJsonError('InvalidResponse', 'CloudWatch DescribeAlarms: MetricAlarms is not a list');
  const alarms = ((raw ?? []) as Array<Record<string, unknown>>).map((alarm): MetricAlarm => {
    const name = text(alarm.AlarmName);
    const arn = text(alarm.AlarmArn);
    const updated = alarm.StateUpdatedTimestamp;
    if (!name || !arn || typeof updated !== 'number') throw new AwsJsonError('InvalidResponse', 'CloudWatch DescribeAlarms: an alarm lacks its name, ARN or state time');
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

/** The CloudWatch endpoint the AWS SDK would use (./endpoints.ts); undefined when the environment does not say. */
export function cloudWatchEndpoint(env: Record<string, string | undefined>, region: string): string | undefined {
  return resolveAwsEndpoint('cloudWatch', env, region).endpoint;
}
