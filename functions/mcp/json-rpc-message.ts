/**
 * A first look at the request body, before the SDK sees it: enough to refuse batches, find a
 * tools/call and its tool for the scope check and the audit, and hand the SDK the parsed value.
 */
export type BodyInspection =
  | { kind: 'message'; message: unknown; id: string | number | null; method?: string; toolName?: string; toolArguments?: unknown }
  | { kind: 'refused'; statusCode: number; code: number; message: string };

export function inspectJsonRpcBody(body: Buffer): BodyInspection {
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'refused', statusCode: 400, code: -32700, message: 'Parse error: Invalid JSON' };
  }
  if (Array.isArray(message)) {
    return {
      kind: 'refused',
      statusCode: 400,
      code: -32600,
      message: 'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them); send one message per request',
    };
  }
  if (!message || typeof message !== 'object') {
    return { kind: 'refused', statusCode: 400, code: -32600, message: 'Invalid Request: expected a JSON-RPC message object' };
  }
  const fields = message as { id?: unknown; method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  const id = typeof fields.id === 'string' || typeof fields.id === 'number' ? fields.id : null;
  const method = typeof fields.method === 'string' ? fields.method : undefined;
  const isToolCall = method === 'tools/call' && typeof fields.params?.name === 'string';
  return {
    kind: 'message',
    message,
    id,
    method,
    ...(isToolCall ? { toolName: fields.params!.name as string, toolArguments: fields.params!.arguments } : {}),
  };
}
