import { createHash } from 'node:crypto';
import { JsonRpcErrorCode } from '../../../lib/http/json-rpc-error.js';
import { canonicalSha256 } from '../audit/canonical-hash.js';
import { boundJsonNesting } from './json-nesting.js';

/**
 * Deepest nesting of arrays and objects accepted in a request body. A tools/call puts the
 * arguments at depth 3 (message, params, arguments), which leaves the tools 61 levels: far more
 * than any tool schema here uses, and few enough that no walk over the value can exhaust the stack.
 */
export const MAX_JSON_NESTING = 64;

/** The `_meta` key that carries a 2026-07-28 request's protocol revision (its "envelope"). */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

/** What a call names: a tool (tools/call), a resource (resources/read) or a prompt (prompts/get). */
export type CallKind = 'tool' | 'resource' | 'prompt';

/** The request methods that call something by name, with the param that names it. */
export const CALL_METHODS: Readonly<Record<string, { kind: CallKind; param: 'name' | 'uri' }>> = {
  'tools/call': { kind: 'tool', param: 'name' },
  'resources/read': { kind: 'resource', param: 'uri' },
  'prompts/get': { kind: 'prompt', param: 'name' },
};

/** What the audit trail needs to know about a call, before or without running it. */
export interface CallFacts {
  kind: CallKind;
  /** `params.name` (`params.uri` for resources/read) when it is a string (unchecked: it may name nothing). */
  name?: string;
  /**
   * SHA-256 of the canonical arguments (of `{uri}` for resources/read), or of the request body as
   * sent when they were never read (too deep). Computed on first use: a call that runs is hashed
   * by its executor instead.
   */
  inputSha256(): string;
}

export type BodyInspection =
  | {
      kind: 'message';
      message: unknown;
      id: string | number | null;
      method?: string;
      /** A JSON-RPC notification (no id member): nothing is answered but 202. */
      isNotification: boolean;
      /** `params._meta["io.modelcontextprotocol/protocolVersion"]` when it is a string: a 2026-07-28 style request. */
      envelopeVersion?: string;
      /** Present when the message is a well-formed call (a name; arguments, if any, an object). */
      call?: CallFacts & { name: string };
    }
  | {
      kind: 'refused';
      statusCode: number;
      code: number;
      message: string;
      id: string | number | null;
      /** The calls the refused body carried: each must still be audited, with this reason. */
      calls: CallFacts[];
      auditReason: string;
    };

const refused = (
  statusCode: number,
  code: number,
  message: string,
  id: string | number | null,
  calls: CallFacts[],
  auditReason: string,
): BodyInspection => ({ kind: 'refused', statusCode, code, message, id, calls, auditReason });

/**
 * A first look at the request body, before the SDK sees it: the nesting bounded before parsing,
 * batches refused, a call (tools/call, resources/read, prompts/get) found and checked for its
 * shape (so that the scope check and the audit can rely on it, and a malformed one is answered
 * -32602, not as an internal error), and the parsed value handed on to the SDK.
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
    const calls = callsIn(message).map((call) => ({ ...factsOf(call), inputSha256: rawSha256 }));
    return refused(400, JsonRpcErrorCode.InvalidRequest, tooDeepMessage, idOf(message), calls, 'nesting_too_deep');
  }
  if (Array.isArray(message)) {
    return refused(
      400,
      JsonRpcErrorCode.InvalidRequest,
      'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them); send one message per request',
      null,
      callsIn(message).map(factsOf),
      'batch_not_supported',
    );
  }
  if (!isPlainObject(message)) {
    return refused(400, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC message object', null, [], 'invalid_request');
  }
  const method = typeof message.method === 'string' ? message.method : undefined;
  const id = idOf(message);
  const params = isPlainObject(message.params) ? message.params : undefined;
  const meta = isPlainObject(params?._meta) ? params._meta : undefined;
  const envelope = meta?.[PROTOCOL_VERSION_META_KEY];
  const inspected = {
    kind: 'message' as const,
    message,
    id,
    method,
    isNotification: !('id' in message),
    ...(typeof envelope === 'string' ? { envelopeVersion: envelope } : {}),
  };
  const shape = method === undefined ? undefined : CALL_METHODS[method];
  if (!shape) return inspected;

  const facts = factsOf(message);
  if (id === null) {
    // MCP: requests carry a string or integer id, never null; as a notification it would be ignored.
    return refused(400, JsonRpcErrorCode.InvalidRequest, `Invalid Request: ${method} is a request and needs an id (a string or an integer)`, null, [facts], 'not_a_request');
  }
  if (facts.name === undefined) {
    const what = shape.kind === 'resource' ? 'the URI of a resource' : `the name of a ${shape.kind}`;
    return refused(200, JsonRpcErrorCode.InvalidParams, `Invalid params: ${method} needs params.${shape.param}, ${what} (a string)`, id, [facts], 'invalid_params');
  }
  if (shape.kind !== 'resource' && params?.arguments !== undefined && !isPlainObject(params.arguments)) {
    return refused(200, JsonRpcErrorCode.InvalidParams, `Invalid params: the arguments of ${facts.name.slice(0, 64)} must be an object`, id, [facts], 'invalid_params');
  }
  return { ...inspected, call: { ...facts, name: facts.name } };
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

function callsIn(message: unknown): Record<string, unknown>[] {
  return (Array.isArray(message) ? message : [message]).filter(
    (item): item is Record<string, unknown> => isPlainObject(item) && typeof item.method === 'string' && item.method in CALL_METHODS,
  );
}

/** What a call message names, and the hash of what it passes (the arguments; `{uri}` for a resource). */
function factsOf(call: Record<string, unknown>): CallFacts {
  const shape = CALL_METHODS[call.method as string]!;
  const params = isPlainObject(call.params) ? call.params : undefined;
  const named = params?.[shape.param];
  const name = typeof named === 'string' ? named : undefined;
  const input = () => (shape.kind === 'resource' ? { uri: name ?? null } : (params?.arguments ?? {}));
  return { kind: shape.kind, name, inputSha256: once(() => canonicalSha256(input())) };
}

function once<T>(compute: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: compute() }).value;
}
