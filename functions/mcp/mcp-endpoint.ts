import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fromWebResponse, toWebRequest } from '../../lib/http/api-gateway-fetch.js';
import { type CorsPolicy, checkOrigin, corsHeaders, preflightHeaders } from '../../lib/http/cors.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { headerValue, mediaType, requestBodyBytes } from '../../lib/http/request-body.js';
import { type CallerIdentity, fromAuthorizerContext } from '../../lib/identity.js';
import { fullScope } from '../../lib/oauth/metadata.js';
import type { RateLimitDecision, RateLimiter } from '../../lib/rate-limit.js';
import { type AuditEvent, type RequestFacts, auditEvent } from './audit.js';
import { canonicalSha256 } from './canonical-hash.js';
import { toAuthInfo } from './caller.js';
import type { McpConfig } from './config.js';
import { insufficientScopeResponse } from './insufficient-scope.js';
import { inspectJsonRpcBody } from './json-rpc-message.js';
import { handleMcpRequest } from './mcp-server.js';
import { grantedScopes } from './scopes.js';
import type { ToolServices } from './services.js';
import type { CompiledTool } from './tool.js';

/** What the MCP endpoint works with, built once per container (handler.ts) or by a test/bench. */
export interface McpEndpoint {
  config: McpConfig;
  tools: ReadonlyMap<string, CompiledTool>;
  services: ToolServices;
  rateLimiter: RateLimiter;
  cors: CorsPolicy;
  logger: Logger;
  onToolCall(event: AuditEvent): void;
  now(): Date;
}

/**
 * One request to /mcp, in the order that refuses the cheapest way first: origin, method, caller,
 * rate limit (one DynamoDB round trip), size, batch, tool scope; then the MCP SDK.
 */
export async function answerMcpRequest(event: APIGatewayProxyEvent, endpoint: McpEndpoint): Promise<APIGatewayProxyResult> {
  const origin = checkOrigin(headerValue(event.headers, 'origin'), endpoint.cors);
  if (origin.kind === 'refused') {
    // DNS-rebinding protection (MCP transport spec): a browser page of an unknown origin.
    return jsonRpcErrorResponse(403, JsonRpcErrorCode.ServerError, 'Forbidden: this origin is not allowed');
  }
  const withCors = (response: APIGatewayProxyResult, extra: Record<string, string> = {}) => ({
    ...response,
    headers: { ...response.headers, ...extra, ...corsHeaders(origin, endpoint.cors) },
  });
  if (event.httpMethod === 'OPTIONS') {
    return { statusCode: 204, headers: { ...preflightHeaders(origin, endpoint.cors), 'Cache-Control': 'no-store' }, body: '' };
  }
  if (event.httpMethod !== 'POST') {
    // Stateless server: no SSE stream to open (GET) and no session to end (DELETE).
    return withCors(
      jsonRpcErrorResponse(405, JsonRpcErrorCode.ServerError, 'Method not allowed: use POST', { Allow: 'POST, OPTIONS' }),
    );
  }
  const caller = fromAuthorizerContext(event.requestContext.authorizer);
  if (!caller) {
    // Only reachable if the route were deployed without the authorizer: refuse, never guess.
    endpoint.logger.error('Request reached the MCP handler without a verified caller');
    return withCors(jsonRpcErrorResponse(401, JsonRpcErrorCode.ServerError, 'Unauthorized'));
  }

  const { limit, windowSeconds } = endpoint.config.rateLimit;
  let quota: RateLimitDecision;
  try {
    quota = await endpoint.rateLimiter.consume(`mcp#${caller.principal}`, limit, windowSeconds, endpoint.now());
  } catch (error) {
    // Fail closed: without a working counter nobody gets unlimited calls.
    endpoint.logger.error('Rate limit check failed', { error: error as Error });
    return withCors(
      jsonRpcErrorResponse(503, JsonRpcErrorCode.ServerError, 'Service temporarily unavailable; retry shortly', { 'Retry-After': '1' }),
    );
  }
  const quotaHeaders = {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(quota.remaining),
    'RateLimit-Reset': String(quota.retryAfterSeconds),
  };
  if (!quota.allowed) {
    auditRateLimitedToolCall(event, caller, endpoint);
    return withCors(
      jsonRpcErrorResponse(
        429,
        JsonRpcErrorCode.ServerError,
        `Too many requests: at most ${limit} per ${windowSeconds} s per caller; retry after ${quota.retryAfterSeconds} s`,
        { 'Retry-After': String(quota.retryAfterSeconds) },
      ),
      quotaHeaders,
    );
  }

  const body = requestBodyBytes(event);
  if (body.length > endpoint.config.maxRequestBytes) {
    return withCors(
      jsonRpcErrorResponse(413, JsonRpcErrorCode.ServerError, `Payload too large: at most ${endpoint.config.maxRequestBytes} bytes`),
      quotaHeaders,
    );
  }
  const request = toWebRequest(event, endpoint.config.resourceUrl);
  const facts = requestFacts(event);
  const scopes = grantedScopes(caller, endpoint.config.resourceUrl, endpoint.config.groupScopes);
  const environment = {
    scopes,
    services: endpoint.services,
    request: facts,
    logger: endpoint.logger,
    now: endpoint.now,
    onToolCall: endpoint.onToolCall,
  };
  const visibleTools = new Map([...endpoint.tools].filter(([, tool]) => scopes.has(tool.definition.scope)));
  const authInfo = toAuthInfo(caller, endpoint.config.resourceUrl);
  const options = { authInfo, maxRequestBytes: endpoint.config.maxRequestBytes, visibleTools, environment };

  // The SDK itself answers a wrong Accept (406) or Content-Type (415): only JSON bodies are inspected.
  if (mediaType(headerValue(event.headers, 'content-type')) !== 'application/json') {
    return withCors(await fromWebResponse(await handleMcpRequest(request, options)), quotaHeaders);
  }
  const inspection = inspectJsonRpcBody(body);
  if (inspection.kind === 'refused') {
    return withCors(jsonRpcErrorResponse(inspection.statusCode, inspection.code, inspection.message), quotaHeaders);
  }
  if (inspection.toolName !== undefined) {
    const refusal = checkToolAccess(inspection.toolName, inspection.toolArguments, inspection.id, caller, endpoint, environment);
    if (refusal) return withCors(refusal, quotaHeaders);
  }
  const response = await handleMcpRequest(request, { ...options, parsedBody: inspection.message });
  return withCors(await fromWebResponse(response), quotaHeaders);
}

/** 403 with the scope challenge when the caller may not call this tool; audits refusals. */
function checkToolAccess(
  name: string,
  args: unknown,
  id: string | number | null,
  caller: CallerIdentity,
  endpoint: McpEndpoint,
  environment: { scopes: ReadonlySet<string>; request: RequestFacts },
): APIGatewayProxyResult | undefined {
  const tool = endpoint.tools.get(name);
  const account = (outcome: 'denied' | 'invalid', reason: string) =>
    endpoint.onToolCall(
      auditEvent(caller, environment.request, { tool: name.slice(0, 64), inputSha256: canonicalSha256(args ?? {}), outcome, reason, durationMs: 0 }),
    );
  if (!tool) {
    account('invalid', 'unknown_tool'); // The SDK answers with a JSON-RPC error.
    return undefined;
  }
  if (environment.scopes.has(tool.definition.scope)) return undefined;
  const requiredScope = fullScope(endpoint.config.resourceUrl, tool.definition.scope);
  account('denied', `missing_scope:${tool.definition.scope}`);
  const resourcePrefix = `${endpoint.config.resourceUrl}/`;
  return insufficientScopeResponse({
    id,
    tool: name,
    requiredScope,
    challengeScopes: [...new Set([...caller.scopes.filter((scope) => scope.startsWith(resourcePrefix)), requiredScope])],
    resourceMetadataUrl: endpoint.config.resourceMetadataUrl,
  });
}

/** A tools/call refused by the rate limiter is still a tool call: it is audited as denied. */
function auditRateLimitedToolCall(event: APIGatewayProxyEvent, caller: CallerIdentity, endpoint: McpEndpoint): void {
  const body = requestBodyBytes(event);
  if (body.length > endpoint.config.maxRequestBytes) return;
  const inspection = inspectJsonRpcBody(body);
  if (inspection.kind !== 'message' || inspection.toolName === undefined) return;
  endpoint.onToolCall(
    auditEvent(caller, requestFacts(event), {
      tool: inspection.toolName.slice(0, 64),
      inputSha256: canonicalSha256(inspection.toolArguments ?? {}),
      outcome: 'denied',
      reason: 'rate_limited',
      durationMs: 0,
    }),
  );
}

function requestFacts(event: APIGatewayProxyEvent): RequestFacts {
  return {
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: (headerValue(event.headers, 'user-agent') ?? '').slice(0, 256),
  };
}
