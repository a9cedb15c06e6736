import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { callerOf } from './caller.js';
import { noSchemaValidator } from './no-schema-validator.js';
import type { CompiledTool } from './tool.js';
import { type ToolCallEnvironment, executeToolCall } from './tool-call.js';

export const SERVER_INFO = { name: 'secure-mcp', version: '0.1.0' } as const;

/**
 * A JSON-RPC error for the SDK to answer with: it sends `code` and `message` as they are. Not the
 * SDK's McpError, whose constructor makes the message "MCP error <code>: <message>": that text
 * would go on the wire, and clients, whose own McpError adds the same prefix, would print it twice.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The SDK's low-level server with our own tools/list and tools/call handlers: it negotiates the
 * protocol version, answers initialize and ping, and routes; the handlers show each caller only
 * the tools its scopes allow and run them through executeToolCall (validation, audit, errors).
 */
function createMcpServer(visibleTools: ReadonlyMap<string, CompiledTool>, environment: ToolCallEnvironment): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} }, jsonSchemaValidator: noSchemaValidator });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...visibleTools.values()].map((tool) => tool.listing),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = visibleTools.get(request.params.name);
    if (!tool) throw new ProtocolError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return executeToolCall(tool, request.params.arguments, callerOf(extra), environment);
  });
  return server;
}

/**
 * Answers one MCP request. The server is stateless: a new server and transport per request (the
 * SDK's transport cannot be reused), JSON responses instead of SSE streams, no session id.
 * `parsedBody` is the already parsed JSON-RPC message, when the caller parsed it.
 */
export async function handleMcpRequest(
  request: Request,
  options: {
    authInfo: AuthInfo;
    parsedBody?: unknown;
    maxRequestBytes: number;
    visibleTools: ReadonlyMap<string, CompiledTool>;
    environment: ToolCallEnvironment;
  },
): Promise<Response> {
  const server = createMcpServer(options.visibleTools, options.environment);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: options.maxRequestBytes,
  });
  try {
    await server.connect(transport);
    return await transport.handleRequest(request, { authInfo: options.authInfo, parsedBody: options.parsedBody });
  } finally {
    await server.close();
  }
}
