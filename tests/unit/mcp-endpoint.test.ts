import { randomBytes } from 'node:crypto';
import { sdkDocuments } from '../../lib/dynamodb/sdk-documents.js';
import { mcpRequestState } from '../../functions/mcp/protocol/request-state.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import type { AuditEvent } from '../../functions/mcp/audit/audit.js';
import { type McpEndpoint, answerMcpRequest } from '../../functions/mcp/mcp-endpoint.js';
import { createToolServices } from '../../functions/mcp/services.js';
import { compileCatalog } from '../../functions/mcp/calls/catalog.js';
import { prompts } from '../../functions/mcp/prompts/index.js';
import { resources } from '../../functions/mcp/mcp-resources/index.js';
import { tools } from '../../functions/mcp/tools/index.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { mcpCorsPolicy } from '../../lib/http/cors.js';
import { toAuthorizerContext } from '../../lib/identity.js';
import { createLogger } from '../../lib/logger.js';
import { dynamoDbRateLimitCounter } from '../../lib/rate-limit.js';
import { leasedRateLimiter } from '../../lib/rate-limit-lease.js';

/**
 * The endpoint in process, with the real DynamoDB adapters pointed at a port where nothing
 * listens: DynamoDB "down" for real, not mocked.
 */
function unreachableDynamoDbEndpoint() {
  const config = loadMcpConfig({ PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp', MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' });
  const documents = createDocumentClient(
    new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
  );
  const logger = createLogger('test');
  const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  const audited: AuditEvent[] = [];
  const endpoint: McpEndpoint = {
    config,
    catalog: compileCatalog(tools, resources, prompts),
    services: createToolServices(config, sdkDocuments(documents), {
      USER_POOL_ID: 'us-east-1_Test',
      CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/tool',
    }),
    rateLimiter: leasedRateLimiter(dynamoDbRateLimitCounter(config.tables.rateLimits, sdkDocuments(documents)), { lease: config.rateLimit.lease }),
    requestState: mcpRequestState(randomBytes(32)),
    cors: mcpCorsPolicy(['https://app.example.com']),
    logger,
    onCall: (audit) => audited.push(audit),
    now: () => new Date(),
  };
  return { endpoint, errors, audited };
}

function event(overrides: Partial<APIGatewayProxyEvent> = {}, withCaller = true): APIGatewayProxyEvent {
  const authorizer = withCaller
    ? toAuthorizerContext({
        principal: 'user-1',
        authMethod: 'jwt',
        sub: 'user-1',
        username: 'u',
        clientId: 'c',
        scopes: ['https://mcp.example.com/mcp/read'],
        groups: [],
        tokenId: 'j',
        expiresAt: 2_000_000_000,
        clientTrust: 'dynamic',
      })
    : undefined;
  return {
    httpMethod: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    isBase64Encoded: false,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    multiValueHeaders: {},
    requestContext: { requestId: 'r-1', authorizer, identity: { sourceIp: '192.0.2.1' } },
    ...overrides,
  } as unknown as APIGatewayProxyEvent;
}

describe('MCP endpoint, in process', () => {
  it('refuses (503, Retry-After) rather than skip the rate limit when DynamoDB cannot be reached', async () => {
    const { endpoint, errors } = unreachableDynamoDbEndpoint();
    const response = await answerMcpRequest(event(), endpoint);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(response.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(errors).toHaveBeenCalledOnce();
  });

  it('still audits a tools/call it refuses because the rate limit cannot be checked', async () => {
    const { endpoint, audited } = unreachableDynamoDbEndpoint();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    const response = await answerMcpRequest(event({ body }), endpoint);
    expect(response.statusCode).toBe(503);
    expect(audited).toEqual([expect.objectContaining({ tool: 'whoami', outcome: 'error', reason: 'rate_limit_unavailable', principal: 'user-1' })]);
  });

  it('refuses a request without a verified caller (route deployed without the authorizer)', async () => {
    const { endpoint } = unreachableDynamoDbEndpoint();
    const response = await answerMcpRequest(event({}, false), endpoint);
    expect(response.statusCode).toBe(401);
  });

  it('checks the origin before anything else, and answers preflights without a caller', async () => {
    const { endpoint } = unreachableDynamoDbEndpoint();
    const foreign = await answerMcpRequest(event({ headers: { Origin: 'https://evil.example' } }), endpoint);
    expect(foreign.statusCode).toBe(403);
    const preflight = await answerMcpRequest(event({ httpMethod: 'OPTIONS', headers: { Origin: 'https://app.example.com' } }, false), endpoint);
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    const methodNotAllowed = await answerMcpRequest(event({ httpMethod: 'GET', headers: { Origin: 'https://app.example.com' } }), endpoint);
    expect(methodNotAllowed.statusCode).toBe(405);
    expect(methodNotAllowed.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });
});
