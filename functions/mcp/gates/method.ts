import { preflightHeaders } from '../../../lib/http/cors.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import type { McpRequestContext } from './context.js';

/** A CORS preflight (OPTIONS) is answered here, for an allowed origin or none. */
export function answerPreflight(ctx: McpRequestContext) {
  if (ctx.event.httpMethod !== 'OPTIONS') return undefined;
  return { statusCode: 204, headers: { ...preflightHeaders(ctx.origin!, ctx.endpoint.cors), 'Cache-Control': 'no-store' }, body: '' };
}

/** Stateless server: POST only, no SSE stream to open (GET) and no session to end (DELETE). */
export function requirePost(ctx: McpRequestContext) {
  if (ctx.event.httpMethod === 'POST') return undefined;
  return ctx.respond(jsonRpcErrorResponse(405, JsonRpcErrorCode.ServerError, 'Method not allowed: use POST', { Allow: 'POST, OPTIONS' }));
}
