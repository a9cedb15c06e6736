import type { StackInfo } from '../../local/stack.js';
import { mcpPost } from './demo-login.js';

/** Scope strings as Cognito grants them: `{resource server id}/{name}`, the id being the MCP URL. */
export const scopeOf = (stack: StackInfo, name: 'read' | 'write' | 'admin') => `${stack.mcpUrl}/${name}`;

let nextId = 1000;

/** One JSON-RPC request after initialization, as a client sends it (with MCP-Protocol-Version). */
export async function rpc(stack: StackInfo, token: string, method: string, params?: unknown, headers: Record<string, string> = {}) {
  const id = nextId++;
  const response = await mcpPost(
    stack,
    { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) },
    { token, headers: { 'MCP-Protocol-Version': '2025-06-18', ...headers } },
  );
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

/** tools/call; returns the HTTP answer and, when there is one, the tool result. */
export async function callTool(stack: StackInfo, token: string, name: string, args: Record<string, unknown> = {}) {
  const answer = await rpc(stack, token, 'tools/call', { name, arguments: args });
  return { ...answer, result: answer.body?.result as { structuredContent?: any; content: Array<{ type: string; text: string }>; isError?: boolean } };
}

export async function listToolNames(stack: StackInfo, token: string): Promise<string[]> {
  const answer = await rpc(stack, token, 'tools/list');
  if (answer.status !== 200) throw new Error(`tools/list answered ${answer.status}`);
  return (answer.body.result.tools as Array<{ name: string }>).map((tool) => tool.name).sort();
}
