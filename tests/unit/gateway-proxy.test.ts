import { type AddressInfo } from 'node:net';
import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProxy } from '../../local/gateway-proxy.js';

const CHALLENGE = 'Bearer error="insufficient_scope", scope="https://mcp.example.com/mcp/admin"';
const GATEWAY_CHALLENGE = 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"';

/**
 * The local gateway proxy in front of a real HTTP server that answers as serverless-offline does:
 * Lambda proxy responses (which may set WWW-Authenticate) and offline's own authorizer 401.
 */
describe('local gateway proxy', () => {
  let upstream: Server;
  let proxy: Server;
  let baseUrl: string;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
        response.end(text);
      };
      switch (request.url) {
        case '/lambda-403':
          return json(403, { jsonrpc: '2.0', id: 1, error: { code: -32003, message: 'Insufficient scope' } }, { 'WWW-Authenticate': CHALLENGE });
        case '/lambda-200':
          return json(200, { jsonrpc: '2.0', id: 1, result: {} }, { 'WWW-Authenticate': CHALLENGE });
        case '/lambda-403-large':
          return json(403, { padding: 'x'.repeat(100_000) }, { 'WWW-Authenticate': CHALLENGE });
        case '/authorizer-401':
          return json(401, { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
        default:
          return json(404, { error: 'not found' });
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, 'localhost', resolve));
    proxy = await startGatewayProxy({
      port: 0,
      offlinePort: (upstream.address() as AddressInfo).port,
      responses: { UNAUTHORIZED: { headers: { 'WWW-Authenticate': GATEWAY_CHALLENGE }, template: '{"error":"invalid_token"}' } },
    });
    baseUrl = `http://localhost:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([proxy, upstream].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('renames a WWW-Authenticate header a Lambda proxy response sets, as API Gateway REST does', async () => {
    for (const path of ['/lambda-403', '/lambda-200', '/lambda-403-large']) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.headers.get('www-authenticate'), path).toBeNull();
      expect(response.headers.get('x-amzn-remapped-www-authenticate'), path).toBe(CHALLENGE);
      await response.arrayBuffer();
    }
    const forbidden = await fetch(`${baseUrl}/lambda-403`);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: -32003 } });
  });

  it('keeps the real header name on the gateway responses it puts in place of the authorizer refusal', async () => {
    const response = await fetch(`${baseUrl}/authorizer-401`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(GATEWAY_CHALLENGE);
    expect(response.headers.get('x-amzn-remapped-www-authenticate')).toBeNull();
    expect(await response.json()).toEqual({ error: 'invalid_token' });
  });
});
