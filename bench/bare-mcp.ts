/**
 * The floor the MCP handler is measured against (issue 10): a bare SDK v2 Lambda handler with one
 * trivial tool, no security (no origin policy, caller, rate limit, scope, audit), its schemas built
 * once at module scope, serving both eras as createMcpHandler does by default.
 */
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';

const echoInput = z.object({ text: z.string() });
const echoOutput = z.object({ echoed: z.string() });

const mcp = createMcpHandler(
  () => {
    const server = new McpServer({ name: 'bare', version: '1.0.0' });
    server.registerTool('echo', { description: 'Echoes its input', inputSchema: echoInput, outputSchema: echoOutput }, async ({ text }) => ({
      content: [{ type: 'text', text }],
      structuredContent: { echoed: text },
    }));
    return server;
  },
  { legacy: 'stateless' },
);

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  const body = event.body === null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  const response = await mcp.fetch(new Request('https://bare.example.com/mcp', { method: event.httpMethod, headers, body }), {
    authInfo: { token: '', clientId: 'bare', scopes: [] },
  });
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (answerHeaders[name] = value));
  return { statusCode: response.status, headers: answerHeaders, body: await response.text() };
}
