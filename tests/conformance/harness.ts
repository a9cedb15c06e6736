import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { compileCatalog } from '../../functions/mcp/calls/catalog.js';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import { type McpEndpoint, answerMcpRequest } from '../../functions/mcp/mcp-endpoint.js';
import { mcpRequestState } from '../../functions/mcp/protocol/request-state.js';
import type { ToolServices } from '../../functions/mcp/services.js';
import type { AuditEvent } from '../../functions/mcp/audit/audit.js';
import { mcpCorsPolicy } from '../../lib/http/cors.js';
import { type CallerIdentity, toAuthorizerContext } from '../../lib/identity.js';
import { createLogger } from '../../lib/logger.js';
import type { RateLimiter } from '../../lib/rate-limit.js';
import { fixturePrompts } from './fixture/prompts.js';
import { fixtureResources } from './fixture/resources.js';
import { fixtureTools } from './fixture/tools.js';

/**
 * The real MCP endpoint (answerMcpRequest: origin policy, caller, rate limit, body inspection,
 * standard headers, scope gate, audit, SDK) with the conformance suite's fixtures as its catalog,
 * behind a loopback HTTP server that turns each request into the API Gateway event the Lambda
 * gets, carrying a verified test identity as the authorizer context. What is not real here: the
 * authorizer (the identity is given, as API Gateway would after it), DynamoDB (the fixtures use
 * no store; the rate limiter admits everything) and API Gateway itself.
 */
export interface Harness {
  url: string;
  audited: AuditEvent[];
  close(): Promise<void>;
}

const TEST_IDENTITY: CallerIdentity = {
  principal: 'conformance-user',
  authMethod: 'jwt',
  sub: 'conformance-user',
  username: 'conformance',
  clientId: 'conformance-client',
  scopes: [],
  groups: [],
  tokenId: 'conformance-token',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
  clientTrust: 'operator',
};

const admitAll: RateLimiter = {
  consume: async (_key, limit, windowSeconds) => ({ allowed: true, limit, remaining: limit, retryAfterSeconds: windowSeconds }),
};

export async function startConformanceHarness(): Promise<Harness> {
  const audited: AuditEvent[] = [];
  let endpoint: McpEndpoint | undefined;
  let identity: CallerIdentity | undefined;
  const server: Server = createServer((request, response) => {
    void serve(request, response, endpoint!, identity!).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // localhost, not 127.0.0.1: the suite's DNS-rebinding check sends the URL's own host as the valid Origin.
  const base = `http://localhost:${port}`;
  const config = loadMcpConfig({ PUBLIC_BASE_URL: base, MCP_RESOURCE_URL: `${base}/mcp`, MCP_MAX_REQUEST_BYTES: '1048576', MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' });
  const resource = `${base}/mcp`;
  endpoint = {
    config,
    catalog: compileCatalog(fixtureTools, fixtureResources, fixturePrompts),
    services: {} as ToolServices,
    rateLimiter: admitAll,
    cors: mcpCorsPolicy([base]),
    requestState: mcpRequestState(randomBytes(32)),
    logger: createLogger('conformance'),
    onCall: (event) => audited.push(event),
    now: () => new Date(),
  };
  identity = { ...TEST_IDENTITY, scopes: [`${resource}/read`, `${resource}/write`] };
  return {
    url: `${base}/mcp`,
    audited,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let nextRequest = 1;

async function serve(request: IncomingMessage, response: ServerResponse, endpoint: McpEndpoint, identity: CallerIdentity) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index]!;
    const value = request.rawHeaders[index + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const body = Buffer.concat(chunks);
  const event = {
    httpMethod: request.method ?? 'GET',
    path: '/mcp',
    resource: '/mcp',
    headers,
    multiValueHeaders,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      requestId: `conformance-${nextRequest++}`,
      authorizer: toAuthorizerContext(identity),
      identity: { sourceIp: '127.0.0.1' },
    },
  } as unknown as APIGatewayProxyEvent;
  const answer = await answerMcpRequest(event, endpoint);
  response.writeHead(answer.statusCode, answer.headers as Record<string, string>);
  response.end(answer.body);
}
