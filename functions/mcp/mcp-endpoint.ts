import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fromWebResponse, toWebRequest } from '../../lib/http/api-gateway-fetch.js';
import { type CorsPolicy, checkOrigin, corsHeaders, preflightHeaders } from '../../lib/http/cors.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import { headerValue, requestBodyBytes } from '../../lib/http/request-body.js';
import { type CallerIdentity, fromAuthorizerContext } from '../../lib/identity.js';
import { fullScope } from '../../lib/oauth/scopes.js';
import type { RateLimitDecision, RateLimiter } from '../../lib/rate-limit.js';
import { type AuditEvent, type AuditOutcome, type RequestFacts, auditEvent, singleToolCallAudit } from './audit.js';
import { toAuthInfo } from './caller.js';
import type { McpConfig } from './config.js';
import { insufficientScopeResponse } from './insufficient-scope.js';
import { type BodyInspection, type ToolCallFacts, inspectJsonRpcBody } from './json-rpc-message.js';
import { handleMcpRequest } from './mcp-server.js';
import { grantedScopes, scopeRefusal } from './scopes.js';
import type { ToolServices } from './services.js';
import type { CompiledTool } from './tool.js';
import type { ToolCallEnvironment } from './tool-call.js';

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
 * rate limit (one DynamoDB round trip), size, the body's shape (nesting, batch, a well-formed
 * tools/call), tool scope; then the MCP SDK. Every tools/call leaves exactly one audit line,
 * whichever of these answers it.
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

  const facts = requestFacts(event);
  // Every tools/call, however it ends, leaves one audit line: these are the refusals before the SDK.
  const auditRefused = (calls: readonly ToolCallFacts[], outcome: AuditOutcome, reason: string) => {
    for (const call of calls) endpoint.onToolCall(refusedToolCallEvent(caller, facts, call, outcome, reason));
  };
  const body = requestBodyBytes(event);
  const tooLarge = body.length > endpoint.config.maxRequestBytes;
  // Bodies over the limit are not read, so a refusal before the size check audits only the others.
  const toolCallsInBody = () => (tooLarge ? [] : toolCallsOf(inspectJsonRpcBody(body)));

  const { limit, windowSeconds } = endpoint.config.rateLimit;
  let quota: RateLimitDecision;
  try {
    quota = await endpoint.rateLimiter.consume(`mcp#${caller.principal}`, limit, windowSeconds, endpoint.now());
  } catch (error) {
    // Fail closed: without a working counter nobody gets unlimited calls.
    endpoint.logger.error('Rate limit check failed', { error: error as Error });
    auditRefused(toolCallsInBody(), 'error', 'rate_limit_unavailable');
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
    auditRefused(toolCallsInBody(), 'denied', 'rate_limited');
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
  if (tooLarge) {
    return withCors(
      jsonRpcErrorResponse(413, JsonRpcErrorCode.ServerError, `Payload too large: at most ${endpoint.config.maxRequestBytes} bytes`),
      quotaHeaders,
    );
  }
  const request = toWebRequest(event, endpoint.config.resourceUrl);
  const scopes = grantedScopes(caller, endpoint.config.resourceUrl, endpoint.config.groupScopes);
  const environment: ToolCallEnvironment = {
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

  // Only what the SDK would parse is inspected, judged by the SDK's own test on the header it
  // reads: a body the SDK refuses unread (415) cannot reach a tool, and no body can reach the SDK
  // without the checks below.
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return withCors(await fromWebResponse(await handleMcpRequest(request, options)), quotaHeaders);
  }
  const inspection = inspectJsonRpcBody(body);
  if (inspection.kind === 'refused') {
    auditRefused(inspection.toolCalls, 'invalid', inspection.auditReason);
    return withCors(
      jsonRpcErrorResponse(inspection.statusCode, inspection.code, inspection.message, {}, inspection.id),
      quotaHeaders,
    );
  }
  const toolCall = inspection.toolCall;
  if (!toolCall) {
    return withCors(await fromWebResponse(await handleMcpRequest(request, { ...options, parsedBody: inspection.message })), quotaHeaders);
  }

  const audit = singleToolCallAudit(endpoint.onToolCall);
  const tool = endpoint.tools.get(toolCall.name);
  if (!tool) {
    audit.record(refusedToolCallEvent(caller, facts, toolCall, 'invalid', 'unknown_tool')); // The SDK answers with a JSON-RPC error.
  } else if (!scopes.has(tool.definition.scope)) {
    audit.record(refusedToolCallEvent(caller, facts, toolCall, 'denied', `missing_scope:${tool.definition.scope}`));
    return withCors(
      insufficientScopeResponse({
        id: inspection.id,
        tool: tool.definition.name,
        requiredScope: fullScope(endpoint.config.resourceUrl, tool.definition.scope),
        resourceMetadataUrl: endpoint.config.resourceMetadataUrl,
        refusal: scopeRefusal(caller, tool.definition.scope, endpoint.config.resourceUrl, endpoint.config.dcrAllowedScopes),
      }),
      quotaHeaders,
    );
  }
  let response: Response;
  try {
    response = await handleMcpRequest(request, {
      ...options,
      environment: { ...environment, onToolCall: audit.record },
      parsedBody: inspection.message,
    });
  } catch (error) {
    if (!audit.recorded) audit.record(refusedToolCallEvent(caller, facts, toolCall, 'error', 'internal'));
    throw error;
  }
  // The SDK refused the call before our handler ran (a protocol version header it does not
  // support, say): still one line.
  if (!audit.recorded) audit.record(refusedToolCallEvent(caller, facts, toolCall, 'invalid', 'protocol_error'));
  return withCors(await fromWebResponse(response), quotaHeaders);
}

function toolCallsOf(inspection: BodyInspection): readonly ToolCallFacts[] {
  if (inspection.kind === 'refused') return inspection.toolCalls;
  return inspection.toolCall ? [inspection.toolCall] : [];
}

/** The audit event of a tools/call answered without running the tool. */
function refusedToolCallEvent(
  caller: CallerIdentity,
  request: RequestFacts,
  call: ToolCallFacts,
  outcome: AuditOutcome,
  reason: string,
): AuditEvent {
  return auditEvent(caller, request, {
    tool: (call.name ?? '').slice(0, 64),
    inputSha256: call.inputSha256(),
    outcome,
    reason,
    durationMs: 0,
  });
}

function requestFacts(event: APIGatewayProxyEvent): RequestFacts {
  return {
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: (headerValue(event.headers, 'user-agent') ?? '').slice(0, 256),
  };
}
