import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizationServerMetadata, openIdConfiguration, protectedResourceMetadata } from '../../oauth/metadata.js';

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

async function serve(handler: (request: IncomingMessage, response: ServerResponse, origin: string) => void): Promise<FakeServer> {
  let origin = '';
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => handler(request, response, origin));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** The server of the issue: `200 {}` to every request, whatever its method or path. */
export const serveEmptyJsonToEverything = () =>
  serve((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{}');
  });

/**
 * A stand-in for the API as API Gateway serves it at an execute-api URL (stage in the path): the
 * product's own discovery documents (oauth/metadata.ts) at the paths the API routes under
 * `/prod`, the gateway's 401 challenge on /prod/mcp, and API Gateway's 403 "Missing Authentication
 * Token" for every other path. `issuer` replaces the metadata's issuer (a deployment whose
 * publicBaseUrl is wrong). Nothing past discovery is served.
 */
export const serveDiscoveryAtStagePath = (options: { issuer?: string } = {}) =>
  serve((request, response, origin) => {
    const base = `${origin}/prod`;
    const settings = {
      publicBaseUrl: base,
      cognitoOAuthBaseUrl: 'https://mcp-prod.auth.eu-west-1.amazoncognito.com',
      resourceServerId: `${base}/mcp`,
      clientScopes: ['read', 'write'] as const,
      clientIdMetadataDocuments: true,
      jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json',
    };
    const withIssuer = <T extends object>(document: T) => (options.issuer ? { ...document, issuer: options.issuer } : document);
    const documents: Record<string, unknown> = {
      '/prod/.well-known/oauth-protected-resource/mcp': protectedResourceMetadata(settings),
      '/prod/.well-known/oauth-authorization-server': withIssuer(authorizationServerMetadata(settings)),
      '/prod/.well-known/openid-configuration': withIssuer(openIdConfiguration(settings)),
    };
    const path = new URL(request.url ?? '/', origin).pathname;
    if (request.method === 'POST' && path === '/prod/mcp') {
      response.writeHead(401, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`,
      });
      response.end('{"error":"invalid_token"}');
    } else if (request.method === 'GET' && documents[path]) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(documents[path]));
    } else {
      response.writeHead(403, { 'Content-Type': 'application/json' });
      response.end('{"message":"Missing Authentication Token"}');
    }
  });

/** What the registration stand-in saw: each request as "METHOD /path". */
export interface RegistrationServer extends FakeServer {
  requests: string[];
  /** Resolves when this many clients have been registered. */
  registered(count: number): Promise<void>;
}

/**
 * An API at the root (custom-domain shape) with the product's discovery documents, an RFC 7591/7592
 * registration endpoint that keeps its clients in memory, and an /authorize that never answers: a
 * sign-in started against it waits in the browser until the run is interrupted.
 */
export async function serveRegistrationWithStuckAuthorize(): Promise<RegistrationServer> {
  const requests: string[] = [];
  const clients = new Set<string>();
  let count = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = await serve((request, response, origin) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    requests.push(`${request.method} ${path}`);
    const settings = { publicBaseUrl: origin, cognitoOAuthBaseUrl: origin, resourceServerId: `${origin}/mcp`, clientScopes: ['read'] as const, clientIdMetadataDocuments: true };
    const json = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const clientId = /^\/register\/(\w+)$/.exec(path)?.[1];
    const authorized = request.headers.authorization === `Bearer token-${clientId}`;
    if (request.method === 'POST' && path === '/mcp') {
      json(401, { error: 'invalid_token' }, { 'WWW-Authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"` });
    } else if (path === '/.well-known/oauth-protected-resource/mcp') {
      json(200, protectedResourceMetadata(settings));
    } else if (path === '/.well-known/oauth-authorization-server') {
      json(200, authorizationServerMetadata(settings));
    } else if (request.method === 'POST' && path === '/register') {
      const id = `client${++count}`;
      clients.add(id);
      json(201, { client_id: id, registration_access_token: `token-${id}`, registration_client_uri: `${origin}/register/${id}` });
      for (const wait of waiting.filter((candidate) => candidate.count <= count)) wait.resolve();
    } else if (clientId && (!authorized || !clients.has(clientId))) {
      json(401, { error: 'invalid_token' });
    } else if (clientId && request.method === 'GET') {
      json(200, { client_id: clientId });
    } else if (clientId && request.method === 'DELETE') {
      clients.delete(clientId);
      json(204);
    } else if (path === '/authorize') {
      // Never answered: the browser waits here.
    } else {
      json(404, { error: 'not_found' });
    }
  });
  return {
    ...server,
    requests,
    registered: (wanted) => (count >= wanted ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count: wanted, resolve }))),
  };
}
