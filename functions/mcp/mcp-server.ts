import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { registerTool } from './tool.js';
import { tools } from './tools/index.js';

export const SERVER_INFO = { name: 'secure-mcp', version: '0.1.0' } as const;

function createMcpServer(): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} } });
  for (const tool of tools) registerTool(server, tool);
  return server;
}

/**
 * Answers one MCP request. The server is stateless: a new server and transport per request (the
 * SDK's transport cannot be reused), JSON responses instead of SSE streams, no session id.
 */
export async function handleMcpRequest(
  request: Request,
  authInfo: AuthInfo,
  maxRequestBytes: number,
): Promise<Response> {
  const server = createMcpServer();
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: maxRequestBytes,
  });
  try {
    await server.connect(transport);
    return await transport.handleRequest(request, { authInfo });
  } finally {
    await server.close();
  }
}
