import type { Send } from './http-send.js';
import { type AlarmPage, type DescribeAlarmsQuery, cloudWatchEndpoint, createDescribeAlarms } from './cloudwatch-alarms.js';
import { localToolCredentialsSource } from './local-credentials.js';
import { signingRegion } from './region.js';
import type { AwsCredentials } from './sts-assume-role.js';

/**
 * What the cloudwatch_alarms tool calls, configured once at cold start: the alarm name prefix the
 * tool role may describe (ALARM_NAME_PREFIX, from the alarmNamePrefix parameter) and where
 * CloudWatch is. Unavailable, with the reason, where it cannot work: on the local stack (no
 * CloudWatch runs there, and its dummy credentials could reach none; only an explicit
 * AWS_ENDPOINT_URL_CLOUDWATCH, a stand-in, makes it available there) or without a prefix.
 */
export type AlarmsService =
  | { available: true; prefix: string; describe(credentials: AwsCredentials, query: Omit<DescribeAlarmsQuery, 'prefix'>, signal?: AbortSignal): Promise<AlarmPage> }
  | { available: false; reason: string };

export const ALARM_NAME_PREFIX_VARIABLE = 'ALARM_NAME_PREFIX';
/** Bound on one DescribeAlarms call: a tool call must answer well within the function's timeout. */
export const DESCRIBE_ALARMS_TIMEOUT_MS = 3_000;
// CloudWatch alarm names: 1-255 characters, no control characters (PutMetricAlarm reference).
const ALARM_NAME_PREFIX = /^[^\p{Cc}]{1,200}$/u;

export function alarmsFromEnvironment(env: Record<string, string | undefined>, overrides: { fetch?: Send } = {}): AlarmsService {
  const prefix = env[ALARM_NAME_PREFIX_VARIABLE] ?? '';
  if (prefix === '') return { available: false, reason: 'cloudwatch_alarms is not configured here (no alarm name prefix).' };
  if (!ALARM_NAME_PREFIX.test(prefix)) throw new Error(`${ALARM_NAME_PREFIX_VARIABLE} must be 1-200 characters without control characters`);
  if (localToolCredentialsSource(env) && !env.AWS_ENDPOINT_URL_CLOUDWATCH) {
    return { available: false, reason: 'cloudwatch_alarms is not available on the local stack: no CloudWatch runs here. It works on a deployed stage.' };
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  const endpoint = cloudWatchEndpoint(env, region);
  if (!endpoint) return { available: false, reason: 'cloudwatch_alarms is not configured here (no CloudWatch endpoint for this region).' };
  const describe = createDescribeAlarms({
    region: signingRegion(region),
    endpoint,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  return {
    available: true,
    prefix,
    describe: (credentials, query, signal) => describe(credentials, { ...query, prefix }, signal ?? AbortSignal.timeout(DESCRIBE_ALARMS_TIMEOUT_MS)),
  };
}
