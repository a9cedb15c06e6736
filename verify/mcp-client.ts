import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { REQUEST_TIMEOUT_MS } from './http.js';

export type Era = 'legacy' | 'modern';

/**
 * The official MCP client (SDK v2) on the endpoint with the token: 'legacy' is the 2025 sequence
 * (initialize, then requests), 'modern' lets the client negotiate as shipped clients do ('auto':
 * server/discover, then stateless 2026-07-28 requests with MCP-Protocol-Version and Mcp-Method
 * headers); the caller checks which era it got.
 */
export async function withMcpClient<T>(mcpUrl: string, token: string, era: Era, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: 'npm run verify', version: '1.0.0' }, { versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' } });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  try {
    return await use(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}
