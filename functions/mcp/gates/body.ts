import { isJsonContentType } from '@modelcontextprotocol/server';
import { toWebRequest } from '../../../lib/http/api-gateway-fetch.js';
import { jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import type { McpRequestContext } from './context.js';
import { serveThroughSdk } from './serve.js';

/**
 * Only what the SDK would parse is inspected, judged by the SDK's own test on the header it reads:
 * a body the SDK refuses unread (415) cannot reach a handler, so it goes to the SDK as it came.
 */
export function passUnparsedBody(ctx: McpRequestContext) {
  if (isJsonContentType(ctx.webRequest().headers.get('content-type'))) return undefined;
  return serveThroughSdk(ctx, 'legacy', undefined, ctx.endpoint.onCall, toWebRequest(ctx.event, ctx.endpoint.config.resourceUrl));
}

/** The body's shape: nesting bounded before parsing, no batch, a well-formed call (protocol/json-rpc-message.ts). */
export function inspectBody(ctx: McpRequestContext) {
  const message = ctx.inspection();
  if (message.kind === 'message') {
    ctx.message = message;
    return undefined;
  }
  ctx.auditRefused(message.calls, 'invalid', message.auditReason);
  return ctx.respond(jsonRpcErrorResponse(message.statusCode, message.code, message.message, {}, message.id));
}
