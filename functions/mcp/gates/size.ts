import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import type { McpRequestContext } from './context.js';

/** A body over `maxRequestBytes` is refused unread. */
export function limitSize(ctx: McpRequestContext) {
  if (!ctx.tooLarge) return undefined;
  return ctx.respond(
    jsonRpcErrorResponse(413, JsonRpcErrorCode.ServerError, `Payload too large: at most ${ctx.endpoint.config.maxRequestBytes} bytes`),
  );
}
