import type { StackInfo } from '../../local/stack.js';
import { mcpPost } from './demo-login.js';

export const MODERN = '2026-07-28';

/** The per-request `_meta` envelope every 2026-07-28 request carries. */
export const envelope = (capabilities: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'integration test', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': capabilities,
});

let nextId = 5000;

/** A 2026-07-28 request body, with its envelope. */
export function modernMessage(method: string, params: Record<string, unknown> = {}, capabilities?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta: { ...envelope(capabilities), ...(params._meta as object) } } };
}

/** The standard headers that mirror such a body (MCP-Protocol-Version, Mcp-Method, Mcp-Name). */
export function standardHeaders(method: string, name?: string): Record<string, string> {
  return { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': method, ...(name === undefined ? {} : { 'Mcp-Name': name }) };
}

/** JSON-RPC messages of an answer, whether the server sent JSON or an SSE stream. */
export function messagesOf(contentType: string | null, text: string): any[] {
  if (!(contentType ?? '').includes('text/event-stream')) return text ? [JSON.parse(text)] : [];
  return text
    .split(/\n\n/)
    .map((frame) => frame.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n'))
    .filter((data) => data.length > 0)
    .map((data) => JSON.parse(data));
}

/**
 * One 2026-07-28 request, headers mirroring the body unless `headers` overrides them; the answer's
 * status, headers, every message, and the final one (the response to the request).
 */
export async function modernRpc(
  stack: StackInfo,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; capabilities?: Record<string, unknown> } = {},
) {
  const body = modernMessage(method, params, options.capabilities);
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const named = ['tools/call', 'prompts/get', 'resources/read'].includes(method) ? name : undefined;
  const response = await mcpPost(stack, body, { token, headers: { ...standardHeaders(method, named), ...options.headers } });
  const text = await response.text();
  const messages = messagesOf(response.headers.get('content-type'), text);
  return { status: response.status, headers: response.headers, text, messages, body: messages.at(-1) };
}
