import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of an MCP endpoint that adds a real bearer token (the conformance
 * suite's server mode cannot send headers). The suite's DNS-rebinding check sends the proxy's own
 * origin as the valid one: that Origin is rewritten to the target's own origin (which the local
 * stage allows); any other Origin passes unchanged, so a foreign one still meets the real policy.
 */
export async function startTokenProxy(target: string, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const targetOrigin = new URL(target).origin;
  let ownOrigin = '';
  const server = createServer((request, response) => {
    void forward(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  async function forward(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (['host', 'connection', 'content-length', 'authorization'].includes(name) || value === undefined) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    headers.set('authorization', `Bearer ${token}`);
    if (headers.get('origin') === ownOrigin) headers.set('origin', targetOrigin);
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: ['GET', 'HEAD'].includes(request.method ?? 'GET') ? undefined : Buffer.concat(chunks),
    });
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
    });
    response.writeHead(upstream.status, out);
    if (upstream.body) for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) response.write(chunk);
    response.end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  ownOrigin = `http://localhost:${port}`;
  return { url: `${ownOrigin}/mcp`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
