import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CorsPolicy } from '../../lib/http/cors.js';
import type { RateLimiter } from '../../lib/rate-limit.js';
import type { AuditEvent } from './audit/audit.js';
import type { Catalog } from './calls/catalog.js';
import type { McpConfig } from './config.js';
import { inspectBody, passUnparsedBody } from './gates/body.js';
import { checkCallScope } from './gates/call-scope.js';
import { requireCaller } from './gates/caller.js';
import { newMcpRequestContext } from './gates/context.js';
import { answerListen, decideEra } from './gates/era.js';
import { answerPreflight, requirePost } from './gates/method.js';
import { checkRequestOrigin } from './gates/origin.js';
import { consumeRateLimit } from './gates/rate-limit.js';
import { serveRequest } from './gates/serve.js';
import { limitSize } from './gates/size.js';
import { matchStandardHeaders } from './gates/standard-headers.js';
import type { McpStep } from './gates/step.js';
import type { McpRequestState } from './protocol/request-state.js';
import type { ToolServices } from './services.js';

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

/**
 * POST /mcp, step by step, for either protocol era, in the order that refuses the cheapest way
 * first; each step is one file of gates/. Until the caller is known, a refusal leaves no audit
 * line; from there every call (tools/call, resources/read, prompts/get) leaves exactly one,
 * whichever step answers it. Both eras pass the same steps.
 */
export const MCP_STEPS: readonly McpStep[] = [
  checkRequestOrigin, //   a browser origin not allowed (DNS rebinding)      -> 403, no CORS headers
  answerPreflight, //      OPTIONS                                           -> 204 preflight
  requirePost, //          any other method                                  -> 405
  requireCaller, //        the authorizer's verified caller                  -> 401 (never reached behind the authorizer)
  consumeRateLimit, //     one DynamoDB round trip; from here RateLimit-*    -> 503 fail closed | 429
  limitSize, //            maxRequestBytes, body unread                      -> 413
  passUnparsedBody, //     not JSON by the SDK's own test                    -> the SDK answers it unread (415)
  inspectBody, //          nesting, batch, a well-formed call                -> JSON-RPC error
  matchStandardHeaders, // 2026-07-28 headers against the body               -> 400 HeaderMismatch
  decideEra, //            the SDK's routing decision (legacy | modern)
  answerListen, //         2026-07-28 subscriptions/listen                   -> its answer
  checkCallScope, //       the scope of what a call names                    -> 403 insufficient_scope
  serveRequest, //         the MCP SDK answers; one audit line per call
];

export async function answerMcpStreaming(event: APIGatewayProxyEvent, endpoint: McpEndpoint): Promise<McpAnswer> {
  const ctx = newMcpRequestContext(event, endpoint);
  for (const step of MCP_STEPS) {
    const answer = await step(ctx);
    if (answer) return answer;
  }
  // serveRequest always answers.
  throw new Error('No step of /mcp answered the request');
}
