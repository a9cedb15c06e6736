import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { type GatewayResponses, gatewayResponseFor, renderGatewayResponse } from './gateway-responses.js';

/**
 * Answers offline generates itself (the authorizer's 401/403, unknown routes' 404) are small and
 * carry a Content-Length. Others (larger, or streamed by a function with no length: the MCP route
 * streams) are never gateway errors, so they pass untouched, chunk by chunk as they come.
 */
const MAX_INSPECTED_BODY = 64 * 1024;

/**
 * The local API endpoint: forwards every request to serverless-offline and applies the gateway
 * responses from serverless.yml to the answers offline generates itself (401/403 from the
 * authorizer, 404 for unknown routes). The functions' own answers get what API Gateway REST does
 * to a Lambda proxy response (asApiGatewayForwards), so that nothing works here that fails deployed.
 */
export function startGatewayProxy(options: {
  port: number;
  offlinePort: number;
  responses: GatewayResponses;
  /** CORS headers for a gateway response to a request from this Origin (none if not allowed). */
  corsHeadersFor?: (origin: string | undefined) => Record<string, string>;
}): Promise<Server> {
  const server = createServer((clientRequest, clientResponse) => {
    forward(clientRequest, clientResponse, options).catch(() => {
      if (!clientResponse.headersSent) {
        clientResponse.writeHead(502, { 'Content-Type': 'application/json' });
      }
      clientResponse.end(JSON.stringify({ error: 'bad_gateway', error_description: 'The local API did not answer' }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, 'localhost', () => resolve(server));
  });
}

async function forward(
  clientRequest: IncomingMessage,
  clientResponse: ServerResponse,
  options: {
    offlinePort: number;
    responses: GatewayResponses;
    corsHeadersFor?: (origin: string | undefined) => Record<string, string>;
  },
): Promise<void> {
  const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
    const proxied = httpRequest(
      {
        host: 'localhost',
        port: options.offlinePort,
        method: clientRequest.method,
        path: clientRequest.url,
        headers: clientRequest.headers,
      },
      resolve,
    );
    proxied.on('error', reject);
    clientRequest.pipe(proxied);
  });
  const status = upstream.statusCode ?? 502;
  const length = Number(upstream.headers['content-length'] ?? NaN);
  const mayBeGatewayError = [401, 403, 404].includes(status) && length <= MAX_INSPECTED_BODY;
  if (!mayBeGatewayError) {
    clientResponse.writeHead(status, asApiGatewayForwards(upstream.headers));
    // A streamed answer's status and headers reach the client before its first chunk, as from
    // API Gateway; a client that leaves ends the upstream request too.
    clientResponse.flushHeaders();
    clientResponse.on('close', () => {
      if (!clientResponse.writableFinished) upstream.destroy();
    });
    // An answer cut upstream (a streamed function that failed after its first bytes) is cut here
    // too: ending it normally would make a broken answer look complete.
    upstream.on('aborted', () => clientResponse.destroy());
    upstream.on('error', () => clientResponse.destroy());
    upstream.pipe(clientResponse);
    return;
  }
  const body = await readBody(upstream);
  const type = gatewayResponseFor({ statusCode: status, body });
  const replacement = type && renderGatewayResponse(options.responses, type, { statusCode: status, body });
  if (replacement) {
    const origin = typeof clientRequest.headers.origin === 'string' ? clientRequest.headers.origin : undefined;
    const headers = { ...corsHeadersOf(upstream), ...replacement.headers, ...options.corsHeadersFor?.(origin) };
    clientResponse.writeHead(replacement.statusCode, { ...headers, 'Content-Length': Buffer.byteLength(replacement.body) });
    clientResponse.end(replacement.body);
    return;
  }
  clientResponse.writeHead(status, asApiGatewayForwards(upstream.headers));
  clientResponse.end(body);
}

/**
 * API Gateway REST renames a WWW-Authenticate header that a Lambda proxy response sets: it reaches
 * the client as x-amzn-Remapped-WWW-Authenticate. Only gateway responses (the UNAUTHORIZED and
 * ACCESS_DENIED answers above) deliver the real header, so the same happens here.
 */
export function asApiGatewayForwards(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    forwarded[name.toLowerCase() === 'www-authenticate' ? 'x-amzn-Remapped-WWW-Authenticate' : name] = value;
  }
  return forwarded;
}

function corsHeadersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (name.startsWith('access-control-') && typeof value === 'string') headers[name] = value;
  }
  return headers;
}

async function readBody(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
