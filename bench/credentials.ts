import { loadMcpConfig } from '../functions/mcp/config.js';
import { createToolServices } from '../functions/mcp/services.js';
import { compileTools } from '../functions/mcp/tool.js';
import { executeToolCall } from '../functions/mcp/calls/tool-call.js';
import cloudwatchAlarms from '../functions/mcp/tools/cloudwatch-alarms.js';
import { jsonApiDocuments } from '../lib/dynamodb/documents.js';
import { dynamoDbJsonApiFromEnvironment } from '../lib/dynamodb/json-api.js';
import type { CallerIdentity } from '../lib/identity.js';
import { createLogger } from '../lib/logger.js';
import { startCloudWatchResponder } from '../tests/support/cloudwatch-responder.js';
import { startStsResponder } from '../tests/support/sts-responder.js';

/**
 * The per-caller credentials (issue 11): that the warm path makes no STS call, and what a call
 * costs. Against the local STS and CloudWatch STAND-INS (tests/support/*-responder.ts, loopback
 * HTTP, SigV4 checked): the cold figure is the stand-in's, not AWS STS's (one HTTPS round trip to
 * regional STS there, not measured here).
 *   1. credentialsFor: the first call per user (an AssumeRole each), then N warm calls.
 *   2. cloudwatch_alarms tool calls (executeToolCall, the real services): N warm calls after the
 *      first, counting AssumeRole requests; each call still makes its one DescribeAlarms to the stand-in.
 */
const REGION = 'us-east-1';
const KEY = { accessKeyId: 'ASIABENCHFUNCTION001', secretAccessKey: 'bench-secret', sessionToken: 'bench-token' };
const USERS = 200;
const WARM_CREDENTIALS = 100_000;
const WARM_TOOL_CALLS = 1_000;

const caller = (index: number): CallerIdentity => {
  const principal = `bench-user-${index}`;
  return { principal, authMethod: 'jwt', sub: principal, username: principal, clientId: 'c', scopes: [], groups: [], tokenId: 'j', expiresAt: 2e9, clientTrust: 'operator' };
};

export async function benchCredentials(): Promise<void> {
  const sts = await startStsResponder({ region: REGION, keys: [KEY] });
  const cloudwatch = await startCloudWatchResponder({
    region: REGION,
    secretOf: (id) => {
      const issued = sts.issued.get(id);
      return issued && { secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken };
    },
  });
  cloudwatch.alarms.push({ AlarmName: 'secure-mcp-bench-auth', StateValue: 'ALARM', StateReason: 'bench' });
  try {
    const env = {
      USER_POOL_ID: 'us-east-1_Bench',
      CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-tool',
      ALARM_NAME_PREFIX: 'secure-mcp-bench-',
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_SESSION_TOKEN: KEY.sessionToken,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
    };
    const config = loadMcpConfig({ PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' });
    const services = createToolServices(config, jsonApiDocuments(dynamoDbJsonApiFromEnvironment({})), env);

    // 1. credentialsFor, cold then warm.
    let started = performance.now();
    for (let index = 0; index < USERS; index++) await services.credentialsFor(caller(index));
    const coldMs = (performance.now() - started) / USERS;
    const coldSts = sts.requests.length;
    started = performance.now();
    for (let index = 0; index < WARM_CREDENTIALS; index++) await services.credentialsFor(caller(index % USERS));
    const warmUs = ((performance.now() - started) * 1000) / WARM_CREDENTIALS;
    const warmSts = sts.requests.length - coldSts;

    // 2. Tool calls with the caller's credentials.
    const tool = compileTools([cloudwatchAlarms]).get('cloudwatch_alarms')!;
    const logger = createLogger('bench');
    logger.setLogLevel('SILENT');
    const who = caller(USERS);
    const call = () =>
      executeToolCall(tool, {}, who, {
        scopes: new Set(['read']),
        services,
        request: { requestId: 'bench', sourceIp: '192.0.2.1', userAgent: 'bench', era: 'legacy', protocolVersion: '2025-11-25' },
        logger,
        now: () => new Date(),
        onCall: () => undefined,
      });
    const beforeFirst = sts.requests.length;
    started = performance.now();
    const first = await call();
    const firstMs = performance.now() - started;
    if ('isError' in first && first.isError) throw new Error(`cloudwatch_alarms failed: ${JSON.stringify(first)}`);
    const firstSts = sts.requests.length - beforeFirst;
    const cloudwatchBefore = cloudwatch.requests.length;
    started = performance.now();
    for (let index = 0; index < WARM_TOOL_CALLS; index++) await call();
    const toolUs = ((performance.now() - started) * 1000) / WARM_TOOL_CALLS;
    const toolSts = sts.requests.length - beforeFirst - firstSts;
    const describes = cloudwatch.requests.length - cloudwatchBefore;

    console.log('\nper-caller credentials (STS and CloudWatch stand-ins on loopback; the cold figure is not AWS STS)');
    console.log('what                                         calls   STS AssumeRole   per call');
    console.log(`credentialsFor, first call per user     ${String(USERS).padStart(10)} ${String(coldSts).padStart(16)} ${coldMs.toFixed(2).padStart(8)} ms`);
    console.log(`credentialsFor, warm (${USERS} users)        ${String(WARM_CREDENTIALS).padStart(10)} ${String(warmSts).padStart(16)} ${warmUs.toFixed(2).padStart(8)} µs`);
    console.log(`cloudwatch_alarms, first call           ${String(1).padStart(10)} ${String(firstSts).padStart(16)} ${firstMs.toFixed(2).padStart(8)} ms`);
    console.log(`cloudwatch_alarms, warm                 ${String(WARM_TOOL_CALLS).padStart(10)} ${String(toolSts).padStart(16)} ${toolUs.toFixed(0).padStart(8)} µs  (${describes} DescribeAlarms to the stand-in)`);
    console.log(`warm path: ${warmSts + toolSts} STS calls over ${WARM_CREDENTIALS + WARM_TOOL_CALLS} warm calls; cold/warm credentialsFor ratio ${((coldMs * 1000) / warmUs).toFixed(0)}x`);
  } finally {
    await Promise.all([sts.close(), cloudwatch.close()]);
  }
}
