import { createHash } from 'node:crypto';
import { JsonRpcErrorCode } from '../../lib/http/json-rpc-error.js';
import { canonicalSha256 } from './canonical-hash.js';
import { boundJsonNesting } from './json-nesting.js';

/**
 * Deepest nesting of arrays and objects accepted in a request body. A tools/call puts the
 * arguments at depth 3 (message, params, arguments), which leaves the tools 61 levels: far more
 * than any tool schema here uses, and few enough that no walk over the value can exhaust the stack.
 */
export const MAX_JSON_NESTING = 64;

/** What the audit trail needs to know about a tools/call, before or without running it. */
export interface ToolCallFacts {
  /** `params.name` when it is a string (unchecked: it may name no tool). */
  name?: string;
  /**
   * SHA-256 of the canonical arguments, or of the request body as sent when they were never read
   * (too deep). Computed on first use: a call that runs is hashed by executeToolCall instead.
   */
  inputSha256(): string;
}

export type BodyInspection =
  | {
      kind: 'message';
      message: unknown;
      id: string | number | null;
      method?: string;
      /** Present when the message is a well-formed tools/call request (a name; arguments, if any, an object). */
      toolCall?: ToolCallFacts & { name: string };
    }
  | {
      kind: 'refused';
      statusCode: number;
      code: number;
      message: string;
      id: string | number | null;
      /** The tools/calls the refused body carried: each must still be audited, with this reason. */
      toolCalls: ToolCallFacts[];
      auditReason: string;
    };

const refused = (
  statusCode: number,
  code: number,
  message: string,
  id: string | number | null,
  toolCalls: ToolCallFacts[],
  auditReason: string,
): BodyInspection => ({ kind: 'refused', statusCode, code, message, id, toolCalls, auditReason });

/**
 * A first look at the request body, before the SDK sees it: the nesting bounded before parsing,
 * batches refused, a tools/call found and checked for its shape (so that the scope check and the
 * audit can rely on it, and a malformed one is answered -32602, not as an internal error), and the
 * parsed value handed on to the SDK.
 */
export function inspectJsonRpcBody(body: Buffer): BodyInspection {
  const text = body.toString('utf8');
  const bounded = boundJsonNesting(text, MAX_JSON_NESTING);
  let message: unknown;
  try {
    message = JSON.parse(bounded.text);
  } catch {
    if (bounded.tooDeep) return refused(400, JsonRpcErrorCode.InvalidRequest, tooDeepMessage, null, [], 'nesting_too_deep');
    return refused(400, JsonRpcErrorCode.ParseError, 'Parse error: Invalid JSON', null, [], 'invalid_json');
  }
  if (bounded.tooDeep) {
    // -32600, not -32700: the JSON may well be valid, and -32602 would presume a request whose
    // params are the fault; this server refuses the message as a whole before reading it.
    const rawSha256 = once(() => createHash('sha256').update(body).digest('hex'));
    const calls = toolCallsIn(message).map((call) => ({ name: nameOf(call), inputSha256: rawSha256 }));
    return refused(400, JsonRpcErrorCode.InvalidRequest, tooDeepMessage, idOf(message), calls, 'nesting_too_deep');
  }
  if (Array.isArray(message)) {
    return refused(
      400,
      JsonRpcErrorCode.InvalidRequest,
      'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them); send one message per request',
      null,
      toolCallsIn(message).map(factsOf),
      'batch_not_supported',
    );
  }
  if (!message || typeof message !== 'object') {
    return refused(400, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC message object', null, [], 'invalid_request');
  }
  const fields = message as { method?: unknown; params?: unknown };
  const method = typeof fields.method === 'string' ? fields.method : undefined;
  const id = idOf(message);
  if (method !== 'tools/call') return { kind: 'message', message, id, method };

  const facts = factsOf(message as Record<string, unknown>);
  if (id === null) {
    // MCP: requests carry a string or integer id, never null; as a notification it would be ignored.
    return refused(400, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: tools/call is a request and needs an id (a string or an integer)', null, [facts], 'not_a_request');
  }
  const params = isPlainObject(fields.params) ? fields.params : undefined;
  if (facts.name === undefined) {
    return refused(200, JsonRpcErrorCode.InvalidParams, 'Invalid params: tools/call needs params.name, the name of a tool (a string)', id, [facts], 'invalid_params');
  }
  if (params?.arguments !== undefined && !isPlainObject(params.arguments)) {
    return refused(200, JsonRpcErrorCode.InvalidParams, `Invalid params: the arguments of ${facts.name.slice(0, 64)} must be an object`, id, [facts], 'invalid_params');
  }
  return { kind: 'message', message, id, method, toolCall: { ...facts, name: facts.name } };
}

const tooDeepMessage = `Invalid Request: the message nests arrays and objects deeper than ${MAX_JSON_NESTING} levels`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id of a request: a string or an integer (MCP); anything else is none. */
function idOf(message: unknown): string | number | null {
  const id = isPlainObject(message) ? message.id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : null;
}

function toolCallsIn(message: unknown): Record<string, unknown>[] {
  return (Array.isArray(message) ? message : [message]).filter(
    (item): item is Record<string, unknown> => isPlainObject(item) && item.method === 'tools/call',
  );
}

function nameOf(call: Record<string, unknown>): string | undefined {
  const name = isPlainObject(call.params) ? call.params.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

function factsOf(call: Record<string, unknown>): ToolCallFacts {
  const args = isPlainObject(call.params) ? call.params.arguments : undefined;
  return { name: nameOf(call), inputSha256: once(() => canonicalSha256(args ?? {})) };
}

function once<T>(compute: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: compute() }).value;
}
