import { jsonResponse } from '../../../lib/http/json-response.js';
import { checkStandardHeaders } from '../protocol/standard-headers.js';
import type { McpRequestContext } from './context.js';

/** 2026-07-28: the standard headers must say what the body says (400 HeaderMismatch otherwise). */
export function matchStandardHeaders(ctx: McpRequestContext) {
  const message = ctx.message!;
  const mismatch = checkStandardHeaders(message, ctx.webRequest().headers);
  if (!mismatch) return undefined;
  ctx.auditRefused(message.call ? [message.call] : [], 'invalid', 'header_mismatch');
  return ctx.respond(jsonResponse(400, { jsonrpc: '2.0', id: message.id, error: mismatch }));
}
