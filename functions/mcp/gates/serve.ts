import { refusedCallEvent } from '../audit/refused-call.js';
import type { ToolCallEnvironment } from '../calls/tool-call.js';
import type { McpAnswer } from '../mcp-endpoint.js';
import { toAuthInfo } from '../protocol/caller.js';
import { type ProtocolEra, type RequestScope, serveMcpRequest } from '../protocol/mcp-server.js';
import type { McpRequestContext } from './context.js';

/** The request handed to the MCP SDK with the caller's view of the catalog; `served` carries the body only when the SDK must parse it. */
export async function serveThroughSdk(
  ctx: McpRequestContext,
  era: ProtocolEra,
  parsedBody: unknown,
  onCall = ctx.endpoint.onCall,
  served = ctx.webRequest(),
): Promise<McpAnswer> {
  const { endpoint } = ctx;
  const scopes = ctx.scopes();
  const environment: ToolCallEnvironment = {
    scopes,
    services: endpoint.services,
    request: ctx.facts(era),
    logger: endpoint.logger,
    now: endpoint.now,
    onCall,
  };
  const scope: RequestScope = { visible: endpoint.catalog.visibleFor(scopes), environment, requestState: endpoint.requestState };
  const authInfo = toAuthInfo(ctx.caller!, endpoint.config.resourceUrl);
  const response = await serveMcpRequest(served, era, { authInfo, scope, parsedBody, maxRequestBytes: endpoint.config.maxRequestBytes });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return ctx.respond({ statusCode: response.status, headers, body: response.body ?? '' });
}

/**
 * The last step: the SDK answers. A call leaves exactly one audit line even when the SDK refuses
 * it before our handler runs (a protocol version it does not support, say); a streamed answer is
 * judged when it ends, the handler having run by then.
 */
export async function serveRequest(ctx: McpRequestContext): Promise<McpAnswer> {
  const message = ctx.message!;
  const era = ctx.era!;
  const call = message.call;
  const audit = ctx.audit;
  if (!call || !audit) return serveThroughSdk(ctx, era, message.message);
  const auditUnanswered = () => {
    if (!audit.recorded) audit.record(refusedCallEvent(ctx.caller!, ctx.facts(era), call, 'invalid', 'protocol_error'));
  };
  let response: McpAnswer;
  try {
    response = await serveThroughSdk(ctx, era, message.message, audit.record);
  } catch (error) {
    if (!audit.recorded) audit.record(refusedCallEvent(ctx.caller!, ctx.facts(era), call, 'error', 'internal'));
    throw error;
  }
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
