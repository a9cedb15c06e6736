import { JsonRpcErrorCode, jsonRpcErrorResponse } from '../../../lib/http/json-rpc-error.js';
import { fromAuthorizerContext } from '../../../lib/identity.js';
import type { McpRequestContext } from './context.js';

/** The caller the authorizer verified. Missing only if the route were deployed without the authorizer: refuse, never guess. */
export function requireCaller(ctx: McpRequestContext) {
  ctx.caller = fromAuthorizerContext(ctx.event.requestContext.authorizer);
  if (ctx.caller) return undefined;
  ctx.endpoint.logger.error('Request reached the MCP handler without a verified caller');
  return ctx.respond(jsonRpcErrorResponse(401, JsonRpcErrorCode.ServerError, 'Unauthorized'));
}
