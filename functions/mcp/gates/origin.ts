import { checkOrigin } from '../../../lib/http/cors.js';
import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import { headerValue } from '../../../lib/http/request-body.js';
import type { McpRequestContext } from './context.js';

/** DNS-rebinding protection (MCP transport spec): a browser page of an unknown origin is refused, without CORS headers. */
export function checkRequestOrigin(ctx: McpRequestContext) {
  ctx.origin = checkOrigin(headerValue(ctx.event.headers, 'origin'), ctx.endpoint.cors);
  if (ctx.origin.kind !== 'refused') return undefined;
  const refusal = jsonRpcErrorResponse(403, JsonRpcErrorCode.ServerError, 'Forbidden: this origin is not allowed');
  return { ...refusal, headers: refusal.headers as Record<string, string> };
}
