import type { Logger } from '@aws-lambda-powertools/logger';
import { isJsonContentType, isLegacyRequest } from '@modelcontextprotocol/server';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toWebRequest } from '../../lib/http/api-gateway-fetch.js';
import { type CorsPolicy, checkOrigin, corsHeaders, preflightHeaders } from '../../lib/http/cors.js';
import { jsonResponse } from '../../lib/http/json-response.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../lib/http/json-rpc-error.js';
import { headerValue, requestBodyBytes } from '../../lib/http/request-body.js';
import { type CallerIdentity, fromAuthorizerContext } from '../../lib/identity.js';
import { fullScope } from '../../lib/oauth/scopes.js';
import type { RateLimitDecision, RateLimiter } from '../../lib/rate-limit.js';
import { type AuditEvent, type AuditOutcome, type RequestFacts, auditEvent, singleCallAudit } from './audit/audit.js';
import type { Catalog } from './calls/catalog.js';
import { toAuthInfo } from './protocol/caller.js';
import type { McpConfig } from './config.js';
import { insufficientScopeResponse } from './policy/insufficient-scope.js';
import { type BodyInspection, type CallFacts, inspectJsonRpcBody } from './protocol/json-rpc-message.js';
import { listenAnswer } from './protocol/listen.js';
import type { McpRequestState } from './protocol/request-state.js';
import { type ProtocolEra, type RequestScope, serveMcpRequest } from './protocol/mcp-server.js';
import { grantedScopes, scopeRefusal } from './policy/scopes.js';
import type { ToolServices } from './services.js';
import { checkStandardHeaders } from './protocol/standard-headers.js';
import type { ToolCallEnvironment } from './calls/tool-call.js';

/** What the MCP endpoint works with, built once per container (handler.ts) or by a test/bench. */
export interface McpEndpoint {
  config: McpConfig;
  catalog: Catalog;
  services: ToolServices;
  rateLimiter: RateLimiter;
  cors: CorsPolicy;
  requestState: McpRequestState;
  logger: Logger;
  /** Called once per call (tools/call, resources/read, prompts/get) with its audit event. */
  onCall(event: AuditEvent): void;
  now(): Date;
}

/**
 * An answer of the MCP endpoint: an API Gateway proxy result whose body may still be streaming
 * (an SSE answer the handler is writing: progress, then the result). stream-handler.ts passes
 * the stream on as it comes; handler.ts (buffered) waits for it.
 */
export interface McpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array>;
}

/** The buffered form of answerMcpStreaming: the body read to its end. */
export async function answerMcpRequest(event: APIGatewayProxyEvent, endpoint: McpEndpoint): Promise<APIGatewayProxyResult> {
  const answer = await answerMcpStreaming(event, endpoint);
  return { ...answer, body: typeof answer.body === 'string' ? answer.body : await new Response(answer.body).text() };
}

/** The first revision whose requests carry their version in a per-request `_meta` envelope. */
const FIRST_MODERN_REVISION = '2026-07-28';

/**
 * One request to /mcp, of either protocol era, in the order that refuses the cheapest way first:
 * origin, method, caller, rate limit (one DynamoDB round trip), size, the body's shape (nesting,
 * batch, a well-formed call), the standard headers against the body (2026-07-28), the scope of
 * what the body calls; then the MCP SDK. Every call (tools/call, resources/read, prompts/get)
 * leaves exactly one audit line, whichever of these answers it. Both eras pass the same gates.
 */
export async function answerMcpStreaming(event: APIGatewayProxyEvent, endpoint: McpEndpoint): Promise<McpAnswer> {
  const origin = checkOrigin(headerValue(event.headers, 'origin'), endpoint.cors);
  if (origin.kind === 'refused') {
    // DNS-rebinding protection (MCP transport spec): a browser page of an unknown origin.
    const refusal = jsonRpcErrorResponse(403, JsonRpcErrorCode.ServerError, 'Forbidden: this origin is not allowed');
    return { ...refusal, headers: refusal.headers as Record<string, string> };
  }
  const withCors = (response: APIGatewayProxyResult | McpAnswer, extra: Record<string, string> = {}): McpAnswer => ({
    statusCode: response.statusCode,
    body: response.body,
    headers: { ...(response.headers as Record<string, string>), ...extra, ...corsHeaders(origin, endpoint.cors) },
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

  const body = requestBodyBytes(event);
  const tooLarge = body.length > endpoint.config.maxRequestBytes;
  // Bodies over the limit are not read, so a refusal before the size check audits only the others.
  let inspected: BodyInspection | undefined;
  const inspection = () => (inspected ??= inspectJsonRpcBody(body));
  const facts = (era?: ProtocolEra) => requestFacts(event, tooLarge ? undefined : inspection(), era);
  // Every call, however it ends, leaves one audit line: these are the refusals before the SDK.
  const auditRefused = (calls: readonly CallFacts[], outcome: AuditOutcome, reason: string) => {
    const request = facts();
    for (const call of calls) endpoint.onCall(refusedCallEvent(caller, request, call, outcome, reason));
  };
  const callsInBody = () => (tooLarge ? [] : callsOf(inspection()));

  const { limit, windowSeconds } = endpoint.config.rateLimit;
  let quota: RateLimitDecision;
  try {
    quota = await endpoint.rateLimiter.consume(`mcp#${caller.principal}`, limit, windowSeconds, endpoint.now());
  } catch (error) {
    // Fail closed: without a working counter nobody gets unlimited calls.
    endpoint.logger.error('Rate limit check failed', { error: error as Error });
    auditRefused(callsInBody(), 'error', 'rate_limit_unavailable');
    return withCors(
      jsonRpcErrorResponse(503, JsonRpcErrorCode.ServerError, 'Service temporarily unavailable; retry shortly', { 'Retry-After': '1' }),
    );
  }
  const quotaHeaders = {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(quota.remaining),
    'RateLimit-Reset': String(quota.retryAfterSeconds),
  };
  const answer = (response: APIGatewayProxyResult | McpAnswer) => withCors(response, quotaHeaders);
  if (!quota.allowed) {
    auditRefused(callsInBody(), 'denied', 'rate_limited');
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
    return answer(jsonRpcErrorResponse(413, JsonRpcErrorCode.ServerError, `Payload too large: at most ${endpoint.config.maxRequestBytes} bytes`));
  }
  // Without its body: the SDK is handed the body we parsed (parsedBody), except on the one path
  // that does not parse it (below), which gets a request with the body.
  const request = toWebRequest(event, endpoint.config.resourceUrl, { withBody: false });
  const scopes = grantedScopes(caller, endpoint.config.resourceUrl, endpoint.config.groupScopes);
  const authInfo = toAuthInfo(caller, endpoint.config.resourceUrl);
  const visible = endpoint.catalog.visibleFor(scopes);
  const serve = async (era: ProtocolEra, parsedBody: unknown, onCall = endpoint.onCall, served = request) => {
    const environment: ToolCallEnvironment = {
      scopes,
      services: endpoint.services,
      request: facts(era),
      logger: endpoint.logger,
      now: endpoint.now,
      onCall,
    };
    const scope: RequestScope = { visible, environment, requestState: endpoint.requestState };
    const response = await serveMcpRequest(served, era, { authInfo, scope, parsedBody, maxRequestBytes: endpoint.config.maxRequestBytes });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return answer({ statusCode: response.status, headers, body: response.body ?? '' });
  };

  // Only what the SDK would parse is inspected, judged by the SDK's own test on the header it
  // reads: a body the SDK refuses unread (415) cannot reach a handler, and no body can reach the
  // SDK without the checks below.
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return serve('legacy', undefined, endpoint.onCall, toWebRequest(event, endpoint.config.resourceUrl));
  }
  const message = inspection();
  if (message.kind === 'refused') {
    auditRefused(message.calls, 'invalid', message.auditReason);
    return answer(jsonRpcErrorResponse(message.statusCode, message.code, message.message, {}, message.id));
  }
  const mismatch = checkStandardHeaders(message, request.headers);
  if (mismatch) {
    auditRefused(message.call ? [message.call] : [], 'invalid', 'header_mismatch');
    return answer(jsonResponse(400, { jsonrpc: '2.0', id: message.id, error: mismatch }));
  }
  // The SDK's own routing decision (the body's envelope, not a header): both legs must agree with it.
  const era: ProtocolEra = (await isLegacyRequest(request, message.message)) ? 'legacy' : 'modern';
  if (era === 'modern' && message.method === 'subscriptions/listen' && !message.isNotification && message.id !== null) {
    return answer(listenAnswer(message.id));
  }
  const call = message.call;
  if (!call) return serve(era, message.message);

  const audit = singleCallAudit(endpoint.onCall);
  // Decided by the body alone: the headers were only compared with it.
  const target = endpoint.catalog.resolve(call);
  if (!target) {
    audit.record(refusedCallEvent(caller, facts(era), call, 'invalid', `unknown_${call.kind}`)); // The SDK answers with a JSON-RPC error.
  } else if (!scopes.has(target.scope)) {
    audit.record(refusedCallEvent(caller, facts(era), call, 'denied', `missing_scope:${target.scope}`, target.name));
    return answer(
      insufficientScopeResponse({
        id: message.id,
        target: { kind: target.kind, name: target.name },
        requiredScope: fullScope(endpoint.config.resourceUrl, target.scope),
        resourceMetadataUrl: endpoint.config.resourceMetadataUrl,
        refusal: scopeRefusal(caller, target.scope, endpoint.config.resourceUrl, endpoint.config.dcrAllowedScopes),
      }),
    );
  }
  let response: McpAnswer;
  try {
    response = await serve(era, message.message, audit.record);
  } catch (error) {
    if (!audit.recorded) audit.record(refusedCallEvent(caller, facts(era), call, 'error', 'internal'));
    throw error;
  }
  // The SDK refused the call before our handler ran (a protocol version it does not support,
  // say): still one line. A streamed answer is judged when it ends, the handler having run by then.
  const auditUnanswered = () => {
    if (!audit.recorded) audit.record(refusedCallEvent(caller, facts(era), call, 'invalid', 'protocol_error'));
  };
  // Recorded already (the handler ran before the SDK answered, as for a JSON answer): nothing is
  // left to judge at the stream's end, so the stream is returned as it is, not wrapped.
  if (typeof response.body === 'string' || audit.recorded) {
    auditUnanswered();
    return response;
  }
  return { ...response, body: whenDone(response.body, auditUnanswered) };
}

/** The same stream, calling `done` once when it ends or its reader gives up. */
function whenDone(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done: ended, value } = await reader.read();
      if (!ended) return controller.enqueue(value);
      controller.close();
      finish();
    },
    async cancel(reason) {
      await reader.cancel(reason);
      finish();
    },
  });
}

function callsOf(inspection: BodyInspection): readonly CallFacts[] {
  if (inspection.kind === 'refused') return inspection.calls;
  return inspection.call ? [inspection.call] : [];
}

/**
 * The audit event of a call answered without running it. Its target is what the body named, or
 * the resolved name when known; never a resource URI (which may say more than an audit should:
 * the input hash covers it).
 */
function refusedCallEvent(
  caller: CallerIdentity,
  request: RequestFacts,
  call: CallFacts,
  outcome: AuditOutcome,
  reason: string,
  targetName = call.kind === 'resource' ? '' : (call.name ?? ''),
): AuditEvent {
  return auditEvent(caller, request, {
    kind: call.kind,
    target: targetName.slice(0, 64),
    inputSha256: call.inputSha256(),
    outcome,
    reason,
    durationMs: 0,
  });
}

/**
 * The request's facts for the audit. The era is the SDK's routing decision once it is known;
 * before (a refusal), the body's envelope, else the version header, says which.
 */
function requestFacts(event: APIGatewayProxyEvent, inspection: BodyInspection | undefined, era: ProtocolEra | undefined): RequestFacts {
  const envelope = inspection?.kind === 'message' ? inspection.envelopeVersion : undefined;
  const header = (headerValue(event.headers, 'mcp-protocol-version') ?? '').trim().slice(0, 32);
  const protocolVersion = (envelope ?? header).slice(0, 32);
  return {
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: (headerValue(event.headers, 'user-agent') ?? '').slice(0, 256),
    era: era ?? (protocolVersion >= FIRST_MODERN_REVISION ? 'modern' : 'legacy'),
    protocolVersion,
  };
}
