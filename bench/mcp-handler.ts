/**
 * The MCP endpoint in process, warm, wired as container.ts wires it (the Documents adapter over
 * DynamoDB's JSON API: marshalling, JSON, SigV4 signing), with only the network left out: the
 * adapter's fetch is answered in process, as DynamoDB would answer, and counted. Median and p99
 * of initialize, tools/list and read tools/calls, and the DynamoDB round trips each makes.
 */
import { randomBytes } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { jsonApiDocuments } from '../lib/dynamodb/documents.js';
import { createDynamoDbJsonApi } from '../lib/dynamodb/json-api.js';
import { loadMcpConfig } from '../functions/mcp/config.js';
import { type McpEndpoint, answerMcpRequest } from '../functions/mcp/mcp-endpoint.js';
import { mcpRequestState } from '../functions/mcp/protocol/request-state.js';
import { createToolServices } from '../functions/mcp/services.js';
import { compileCatalog } from '../functions/mcp/calls/catalog.js';
import { prompts } from '../functions/mcp/prompts/index.js';
import { resources } from '../functions/mcp/mcp-resources/index.js';
import { tools } from '../functions/mcp/tools/index.js';
import { mcpCorsPolicy } from '../lib/http/cors.js';
import { toAuthorizerContext } from '../lib/identity.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbRateLimitCounter } from '../lib/rate-limit.js';
import { leasedRateLimiter } from '../lib/rate-limit-lease.js';
import { percentile } from './measure.js';

const WARMUP = 300;
const RUNS = 3000;
const RESOURCE = 'https://mcp.example.com/mcp';

const NOTE = {
  owner: 'bench-user',
  noteId: 'n1',
  id: 'n1',
  title: 'Bench note',
  body: 'Some text',
  tags: ['bench'],
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  searchText: 'bench note\nsome text\nbench',
};

/**
 * DynamoDB's JSON API in process: answers each operation the handler sends as DynamoDB would (the
 * wire format, after the request was signed and serialised), and counts them.
 */
export function countingDynamoDbFetch() {
  const calls: string[] = [];
  const answers: Record<string, unknown> = {
    UpdateItem: { Attributes: marshall({ count: 1 }) },
    GetItem: { Item: marshall(NOTE) },
    Query: { Items: [marshall(NOTE)] },
  };
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const operation = String(new Headers(init?.headers).get('x-amz-target')).replace('DynamoDB_20120810.', '');
    calls.push(`${operation}(${(JSON.parse(String(init?.body)) as { TableName?: string }).TableName})`);
    return new Response(JSON.stringify(answers[operation] ?? {}), { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' } });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

/** An API Gateway event for /mcp from an authorized caller with read and write scopes of `resource` (the MCP_RESOURCE_URL the handler runs with). */
export function event(body: unknown, headers: Record<string, string> = { 'MCP-Protocol-Version': '2025-06-18' }, resource = RESOURCE): APIGatewayProxyEvent {
  const context = toAuthorizerContext({
    principal: 'bench-user',
    authMethod: 'jwt',
    sub: 'bench-user',
    username: 'bench',
    clientId: 'bench-client',
    scopes: [`${resource}/read`, `${resource}/write`],
    groups: [],
    tokenId: 'jti',
    expiresAt: 2_000_000_000,
    clientTrust: 'dynamic',
  });
  return {
    httpMethod: 'POST',
    path: '/mcp',
    resource: '/mcp',
    body: JSON.stringify(body),
    isBase64Encoded: false,
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'User-Agent': 'bench',
      ...headers,
    },
    multiValueHeaders: {},
    requestContext: { requestId: 'bench-request', authorizer: context, identity: { sourceIp: '192.0.2.1' } },
  } as unknown as APIGatewayProxyEvent;
}


/**
 * The endpoint as container.ts builds it, with DynamoDB's network replaced by the counting
 * stand-in; `rateLimitLease` overrides the default lease (1: one reservation per request).
 */
export function benchEndpoint(rateLimitLease?: number) {
  const config = loadMcpConfig({
    PUBLIC_BASE_URL: 'https://mcp.example.com',
    MCP_RESOURCE_URL: RESOURCE,
    MCP_RATE_LIMIT: '1000000000',
    MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state',
    MCP_RATE_LIMIT_LEASE: rateLimitLease === undefined ? undefined : String(rateLimitLease),
  });
  const { calls, fetch } = countingDynamoDbFetch();
  const documents = jsonApiDocuments(
    createDynamoDbJsonApi({
      region: 'us-east-1',
      endpoint: 'https://dynamodb.us-east-1.amazonaws.com',
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret', sessionToken: 'bench-session' },
      fetch,
    }),
  );
  const logger = createLogger('bench');
  logger.setLogLevel('ERROR');
  const audited = { bytes: 0 };
  const endpoint: McpEndpoint = {
    config,
    catalog: compileCatalog(tools, resources, prompts),
    // The notes use the same stand-in (bench/credentials.ts measures the caller credentials).
    services: createToolServices(
      config,
      documents,
      { USER_POOL_ID: 'us-east-1_Bench', CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-tool' },
      { notesDocuments: async () => documents },
    ),
    rateLimiter: leasedRateLimiter(dynamoDbRateLimitCounter(config.tables.rateLimits, documents), { lease: config.rateLimit.lease }),
    requestState: mcpRequestState(randomBytes(32)),
    cors: mcpCorsPolicy([]),
    logger,
    // The audit event is built and serialised as the log line would be, but not printed.
    onCall: (audit) => void (audited.bytes += JSON.stringify({ message: 'audit', audit }).length),
    now: () => new Date(),
  };
  return { endpoint, calls, audited };
}

export async function benchMcpHandler(): Promise<void> {
  const { endpoint, calls, audited } = benchEndpoint();
  const requests: Array<[string, unknown]> = [
    ['initialize', { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }],
    ['tools/list', { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
    ['tools/call whoami', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } }],
    ['tools/call notes_get', { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'notes_get', arguments: { id: 'n1' } } }],
    ['tools/call notes_list', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'notes_list', arguments: { limit: 20 } } }],
  ];
  console.log(`\nMCP handler in process, warm (${RUNS} runs after ${WARMUP} warm-up; production DynamoDB adapter, network answered in process)`);
  console.log('request                 median ms    p99 ms   DynamoDB round trips');
  for (const [name, body] of requests) {
    const input = event(body);
    for (let index = 0; index < WARMUP; index++) await answerMcpRequest(input, endpoint);
    const times: number[] = [];
    for (let index = 0; index < RUNS; index++) {
      const started = performance.now();
      const response = await answerMcpRequest(input, endpoint);
      times.push(performance.now() - started);
      if (response.statusCode !== 200) throw new Error(`${name} answered ${response.statusCode}: ${response.body}`);
    }
    calls.length = 0;
    const response = await answerMcpRequest(input, endpoint);
    if (JSON.parse(response.body).result?.isError) throw new Error(`${name} failed: ${response.body}`);
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(22)} ${percentile(times, 50).toFixed(3).padStart(9)} ${percentile(times, 99).toFixed(3).padStart(9)}   ${calls.length} (${calls.join(', ')})`,
    );
  }
  if (audited.bytes === 0) throw new Error('No audit event was produced');
}
