import { CloudWatchClient, DescribeAlarmsCommand, InvalidNextToken } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import { createToolServices } from '../../functions/mcp/services.js';
import { compileTools } from '../../functions/mcp/tool.js';
import { executeToolCall } from '../../functions/mcp/calls/tool-call.js';
import cloudwatchAlarms from '../../functions/mcp/tools/cloudwatch-alarms.js';
import { jsonApiDocuments } from '../../lib/dynamodb/documents.js';
import { dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { type CloudWatchResponder, startCloudWatchResponder } from '../support/cloudwatch-responder.js';
import { type StsResponder, startStsResponder } from '../support/sts-responder.js';

/**
 * cloudwatch_alarms against a CloudWatch STAND-IN (tests/support/cloudwatch-responder.ts: the
 * AWS JSON 1.0 wire format of DescribeAlarms, SigV4 checked) and an STS STAND-IN: no emulator of
 * either can be installed here. The stand-in is itself checked against the AWS SDK's CloudWatch
 * client (first test). What IAM lets the tool role describe is simulated in iam-policies.test.ts.
 */
const REGION = 'eu-west-1';
const TOOL = 'arn:aws:iam::123456789012:role/secure-mcp-prod-CallerToolRole-ABC';
const OPS = 'arn:aws:iam::123456789012:role/secure-mcp/prod/ops-tools';
const KEY = { accessKeyId: 'ASIAFUNCTIONROLE0003', secretAccessKey: 'function-secret-3', sessionToken: 'function-token-3' };
const PREFIX = 'secure-mcp-prod-';

let sts: StsResponder;
let cloudwatch: CloudWatchResponder;
beforeAll(async () => {
  sts = await startStsResponder({ region: REGION, keys: [KEY] });
  cloudwatch = await startCloudWatchResponder({
    region: REGION,
    secretOf: (accessKeyId) => {
      if (accessKeyId === 'AKIASDKCHECK') return { secretAccessKey: 'sdk-secret' };
      const issued = sts.issued.get(accessKeyId);
      return issued && { secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken };
    },
  });
  cloudwatch.alarms.push(
    ...['a', 'b', 'c', 'd', 'e'].map((letter) => ({
      AlarmName: `${PREFIX}${letter}`,
      StateValue: 'ALARM' as const,
      StateReason: `Threshold crossed (${letter})`,
      Namespace: 'SecureMcp',
      MetricName: 'AuthFailures',
      Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold',
    })),
    { AlarmName: `${PREFIX}quiet`, StateValue: 'OK' },
    { AlarmName: `${PREFIX}composite`, StateValue: 'ALARM', composite: true },
    { AlarmName: 'another-team-cpu-high', StateValue: 'ALARM' },
  );
});
afterAll(async () => {
  await Promise.all([sts.close(), cloudwatch.close()]);
});
afterEach(() => {
  cloudwatch.deny = undefined;
});

const baseEnv = () => ({
  USER_POOL_ID: 'eu-west-1_Test',
  CALLER_TOOL_ROLE_ARN: TOOL,
  MCP_GROUP_ROLES: `ops=${OPS}`,
  MCP_GROUP_ROLE_PATH: '/secure-mcp/prod/',
  ALARM_NAME_PREFIX: PREFIX,
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: KEY.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
  AWS_SESSION_TOKEN: KEY.sessionToken,
  AWS_ENDPOINT_URL_STS: sts.endpoint,
  AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
});
const config = loadMcpConfig({ PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp', MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' });
const tool = compileTools([cloudwatchAlarms]).get('cloudwatch_alarms')!;
const logger = createLogger('test');
logger.setLogLevel('SILENT');

function toolFor(env: Record<string, string | undefined>) {
  const services = createToolServices(config, jsonApiDocuments(dynamoDbJsonApiFromEnvironment({})), env);
  return (args: unknown, who: CallerIdentity) =>
    executeToolCall(tool, args, who, {
      scopes: new Set(['read']),
      services,
      request: { requestId: 'r-1', sourceIp: '192.0.2.1', userAgent: 't', era: 'legacy', protocolVersion: '2025-11-25' },
      logger,
      now: () => new Date(),
      onCall: () => undefined,
    }) as Promise<{ isError?: boolean; structuredContent?: { alarms: Array<Record<string, unknown>>; nextCursor?: string }; content: Array<{ text: string }> }>;
}

let users = 0;
const caller = (overrides: Partial<CallerIdentity> = {}): CallerIdentity => {
  const principal = `0000000${users++}-1b4c-4e6f-9a7b-0c1d2e3f4a5b`;
  return { principal, authMethod: 'jwt', sub: principal, username: 'u', clientId: 'c', scopes: [], groups: [], tokenId: 'j', expiresAt: 2e9, clientTrust: 'operator', ...overrides };
};

describe('the CloudWatch stand-in', () => {
  it('answers the AWS SDK CloudWatch client (JSON 1.0) as CloudWatch would: alarms, pages, InvalidNextToken', async () => {
    const client = new CloudWatchClient({ region: REGION, endpoint: cloudwatch.endpoint, credentials: { accessKeyId: 'AKIASDKCHECK', secretAccessKey: 'sdk-secret' } });
    const page = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: PREFIX, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 3 }));
    expect(page.MetricAlarms?.map((alarm) => alarm.AlarmName)).toEqual([`${PREFIX}a`, `${PREFIX}b`, `${PREFIX}c`]);
    expect(page.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(page.NextToken).toBeTruthy();
    await expect(client.send(new DescribeAlarmsCommand({ NextToken: 'forged' }))).rejects.toBeInstanceOf(InvalidNextToken);
  });
});

describe('cloudwatch_alarms', () => {
  it("lists the prefix's metric alarms in ALARM state, with the caller's own session, in the fixed schema and as text", async () => {
    const call = toolFor(baseEnv());
    const who = caller();
    const result = await call({ limit: 10 }, who);
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent!.alarms.map((alarm) => alarm.name)).toEqual(['a', 'b', 'c', 'd', 'e'].map((letter) => `${PREFIX}${letter}`));
    expect(result.structuredContent!.alarms[0]).toEqual({
      name: `${PREFIX}a`,
      arn: `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${PREFIX}a`,
      reason: 'Threshold crossed (a)',
      stateUpdatedAt: new Date(1_796_000_000_500).toISOString(),
      namespace: 'SecureMcp',
      metricName: 'AuthFailures',
      threshold: 100,
      comparisonOperator: 'GreaterThanThreshold',
    });
    expect(result.content[0]!.text).toMatch(/^5 alarm\(s\) in ALARM state:\n- secure-mcp-prod-a \(since .*\): Threshold crossed \(a\)/);
    const request = cloudwatch.requests.at(-1)!;
    expect(request.input).toEqual({ AlarmNamePrefix: PREFIX, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 10 });
    const issued = sts.issued.get(request.accessKeyId)!;
    expect(issued.form.get('SourceIdentity')).toBe(who.principal);
    expect(issued.form.get('RoleArn')).toBe(TOOL);
    expect(request.sessionToken).toBe(issued.sessionToken);
  });

  it('pages with an opaque cursor, bounded page size, and no second AssumeRole on the warm path', async () => {
    const call = toolFor(baseEnv());
    const who = caller();
    const names: string[] = [];
    let cursor: string | undefined;
    const stsBefore = sts.requests.length;
    let pages = 0;
    do {
      const result = await call({ limit: 2, ...(cursor ? { cursor } : {}) }, who);
      names.push(...result.structuredContent!.alarms.map((alarm) => String(alarm.name)));
      cursor = result.structuredContent!.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toHaveLength(5);
    expect(sts.requests.length - stsBefore).toBe(1);
    for (const limit of [0, 51]) expect((await call({ limit }, who)).isError).toBe(true);
  });

  it('refuses a cursor it did not issue, one of another role, and one CloudWatch no longer accepts', async () => {
    const call = toolFor(baseEnv());
    const who = caller({ groups: ['ops'] });
    expect((await call({ cursor: 'not-a-cursor' }, who)).content[0]!.text).toMatch(/cursor is not one this server issued/);
    const first = await call({ limit: 1 }, who);
    const other = await call({ limit: 1, cursor: first.structuredContent!.nextCursor, group: 'ops' }, who);
    expect(other.content[0]!.text).toMatch(/belongs to a different listing/);
    const stale = Buffer.from(JSON.stringify({ v: 1, after: 'expired-token', scope: 'alarms:' })).toString('base64url');
    expect((await call({ cursor: stale }, who)).content[0]!.text).toMatch(/no longer valid/);
  });

  it("uses a group's extra role for a member through an operator client, and refuses it otherwise without calling CloudWatch", async () => {
    const call = toolFor(baseEnv());
    const member = caller({ groups: ['ops'] });
    const result = await call({ group: 'ops' }, member);
    expect(result.isError).toBeUndefined();
    expect(sts.issued.get(cloudwatch.requests.at(-1)!.accessKeyId)!.form.get('RoleArn')).toBe(OPS);
    const before = cloudwatch.requests.length;
    const dynamic = await call({ group: 'ops' }, caller({ groups: ['ops'], clientTrust: 'dynamic' }));
    expect(dynamic).toMatchObject({ isError: true });
    expect(dynamic.content[0]!.text).toBe('You have no extra permissions through the group "ops".');
    const outsider = await call({ group: 'ops' }, caller({ groups: ['sales'] }));
    expect(outsider.content[0]!.text).toMatch(/no extra permissions through the group "ops"/);
    expect(cloudwatch.requests.length).toBe(before);
  });

  it('says so when IAM refuses DescribeAlarms', async () => {
    cloudwatch.deny = () => true;
    const result = await toolFor(baseEnv())({}, caller());
    expect(result).toMatchObject({ isError: true, content: [{ text: 'Your AWS permissions do not allow listing these alarms.' }] });
  });

  it('is not available on the local stack (no CloudWatch runs there), with a clear error and no request', async () => {
    const { AWS_ENDPOINT_URL_CLOUDWATCH: _endpoint, ...deployed } = baseEnv();
    const local = { ...deployed, LOCAL_TOOL_CREDENTIALS: 'function-role', IS_OFFLINE: 'true', AWS_ENDPOINT_URL_STS: undefined };
    const before = [cloudwatch.requests.length, sts.requests.length];
    const result = await toolFor(local)({}, caller());
    expect(result).toMatchObject({ isError: true });
    expect(result.content[0]!.text).toBe('cloudwatch_alarms is not available on the local stack: no CloudWatch runs here. It works on a deployed stage.');
    expect([cloudwatch.requests.length, sts.requests.length]).toEqual(before);
  });

  it('lists its output schema and read-only hints', () => {
    expect(tool.listing.outputSchema).toMatchObject({ type: 'object', required: ['alarms'] });
    expect(tool.listing.inputSchema).toMatchObject({ properties: { limit: { maximum: 50, minimum: 1 } } });
    expect(tool.listing.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  });
});
