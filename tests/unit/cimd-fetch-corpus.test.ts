import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CimdClientError, resolveCimdClient } from '../../dcr/cimd/cimd-clients.js';
import type { CimdRegistry } from '../../dcr/cimd/cimd-registry.js';
import type { CimdAliasRecord } from '../../lib/client-record.js';
import { type CimdHostPolicy, checkClientIdUrl } from '../../dcr/cimd/client-id-url.js';
import { CimdFetchError, type Resolver, type SocketOpener, type SocketTarget, safeFetch } from '../../dcr/cimd/safe-fetch.js';
import { lookUpClient } from '../../oauth/client-lookup.js';
import { OAuthError } from '../../oauth/errors.js';

/**
 * The SSRF corpus. No test here ever connects to a non-loopback address (this machine forbids it,
 * and the point is to prove the checks come first): the resolver is scripted, and the socket
 * opener throws for every address but one scripted public address (93.184.216.34), which it maps
 * to a TLS fixture server on 127.0.0.1 that holds a test-only certificate for cimd.example.com.
 */
const PUBLIC = '93.184.216.34';
const CERT = readFileSync(new URL('../fixtures/cimd-localhost.crt', import.meta.url));
const KEY = readFileSync(new URL('../fixtures/cimd-localhost.key', import.meta.url));
const BASE = 'https://cimd.example.com';
const doc = (path: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ client_id: `${BASE}${path}`, client_name: 'Example client', redirect_uris: ['https://app.example.org/cb'], ...extra });

type Route = (response: import('node:http').ServerResponse) => void;
const json = (body: string | Buffer, headers: Record<string, string | number> = {}): Route => (response) => {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
};
const ROUTES: Record<string, Route> = {
  '/ok.json': json(doc('/ok.json'), { 'Cache-Control': 'max-age=600' }),
  '/vnd.json': json(doc('/vnd.json'), { 'Content-Type': 'application/vnd.example+json' }),
  '/r301': (r) => (r.writeHead(301, { Location: 'http://169.254.169.254/' }), r.end()),
  '/r302': (r) => (r.writeHead(302, { Location: `${BASE}/ok.json` }), r.end()),
  '/r307': (r) => (r.writeHead(307, { Location: `${BASE}/ok.json` }), r.end()),
  '/r308': (r) => (r.writeHead(308, { Location: `${BASE}/ok.json` }), r.end()),
  '/404': (r) => (r.writeHead(404, { 'Content-Type': 'application/json' }), r.end('{}')),
  '/500': (r) => (r.writeHead(500, { 'Content-Type': 'application/json' }), r.end('{}')),
  '/204': (r) => (r.writeHead(204), r.end()),
  '/html': (r) => (r.writeHead(200, { 'Content-Type': 'text/html' }), r.end(doc('/html'))),
  '/notype': (r) => (r.writeHead(200), r.end(doc('/notype'))),
  '/gzip': json(gzipSync(doc('/gzip')), { 'Content-Encoding': 'gzip' }),
  '/big': json(doc('/big', { padding: 'x'.repeat(5121) })),
  '/big-nolength': (r) => (r.writeHead(200, { 'Content-Type': 'application/json' }), r.end(doc('/big-nolength', { padding: 'x'.repeat(5121) }))),
  '/big-chunked': (r) => {
    r.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (let i = 0; i < 6; i++) r.write('x'.repeat(1000));
    r.end();
  },
  '/exactly-limit': (r) => {
    const body = doc('/exactly-limit', { padding: '' });
    const padded = doc('/exactly-limit', { padding: 'x'.repeat(5120 - Buffer.byteLength(body)) });
    json(padded)(r);
  },
  '/slow-headers': (r) => void setTimeout(() => json(doc('/slow-headers'))(r), 600),
  '/trickle': (r) => {
    r.writeHead(200, { 'Content-Type': 'application/json' });
    r.write('{"client_id":');
    setTimeout(() => r.end(`"${BASE}/trickle"}`), 600);
  },
  '/invalid.json': json('{"client_id": '),
  '/dup.json': json(`{"client_id":"${BASE}/dup.json","client_name":"a","redirect_uris":["https://app.example.org/cb"],"redirect_uris":["https://evil.example/cb"]}`),
  '/mismatch.json': json(doc('/other.json')),
  '/slash.json': json(JSON.stringify({ client_id: `${BASE}/slash.json/`, client_name: 'x', redirect_uris: ['https://app.example.org/cb'] })),
  '/case.json': json(JSON.stringify({ client_id: 'https://CIMD.example.com/case.json', client_name: 'x', redirect_uris: ['https://app.example.org/cb'] })),
  '/basic.json': json(doc('/basic.json', { token_endpoint_auth_method: 'client_secret_basic' })),
  '/pkjwt.json': json(doc('/pkjwt.json', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${BASE}/jwks` })),
  '/pkjwt-nokeys.json': json(doc('/pkjwt-nokeys.json', { token_endpoint_auth_method: 'private_key_jwt' })),
  '/secret.json': json(doc('/secret.json', { client_secret: 'abc' })),
  '/noredirect.json': json(doc('/noredirect.json', { redirect_uris: [] })),
  '/badredirect.json': json(doc('/badredirect.json', { redirect_uris: ['http://app.example.org/cb'] })),
  '/noname.json': json(JSON.stringify({ client_id: `${BASE}/noname.json`, redirect_uris: ['https://app.example.org/cb'] })),
  '/cc.json': json(doc('/cc.json', { grant_types: ['client_credentials'] })),
  '/array.json': json('[]'),
};

let fixture: Server;
let fixturePort: number;
beforeAll(async () => {
  fixture = createServer({ cert: CERT, key: KEY }, (request, response) => {
    const route = ROUTES[request.url ?? ''];
    if (route) route(response);
    else (response.writeHead(404), response.end());
  });
  await new Promise<void>((resolve) => fixture.listen(0, '127.0.0.1', resolve));
  fixturePort = (fixture.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => fixture.close(() => resolve())));

const NAMES: Record<string, Array<{ address: string; family: number }>> = {
  'cimd.example.com': [{ address: PUBLIC, family: 4 }],
  'internal.example.com': [{ address: '10.0.0.5', family: 4 }],
  'mixed.example.com': [{ address: PUBLIC, family: 4 }, { address: '192.168.1.1', family: 4 }],
  'v6.example.com': [{ address: 'fd00:ec2::254', family: 6 }],
  'mapped.example.com': [{ address: '::ffff:169.254.169.254', family: 6 }],
  'meta.example.com': [{ address: '169.254.169.254', family: 4 }],
  'nat64.example.com': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
  'empty.example.com': [],
};

function harness() {
  const resolved: string[] = [];
  const opened: SocketTarget[] = [];
  const resolve: Resolver = async (host) => {
    resolved.push(host);
    return NAMES[host] ?? [];
  };
  const openSocket: SocketOpener = async (target) => {
    opened.push(target);
    // The one public address there is: anything else reaching here would be a failed check.
    if (target.address !== PUBLIC) throw new Error(`TEST GUARD: refused to connect to ${target.address}`);
    return await new Promise((ok, fail) => {
      const socket = connect({ host: '127.0.0.1', port: fixturePort, servername: target.servername, ca: CERT, ALPNProtocols: ['http/1.1'] });
      socket.once('secureConnect', () => ok(socket));
      socket.once('error', fail);
    });
  };
  return { resolved, opened, options: { resolve, openSocket, maxBytes: 5120, timeoutMs: 300 } };
}

const POLICY: CimdHostPolicy = { allowedHosts: [], deniedHosts: ['denied.example.com', '.blocked.example'] };

/** What /authorize does with a client_id: the URL checks, then the safe fetch. */
async function fetchClientId(clientId: string, h = harness(), policy = POLICY) {
  const check = checkClientIdUrl(clientId, policy);
  if (!check.ok) return { refused: `client_id ${check.reason}`, h };
  try {
    return { fetched: await safeFetch(check.url, h.options), h };
  } catch (error) {
    if (error instanceof CimdFetchError) return { refused: error.message, h };
    throw error;
  }
}

describe('CIMD client_id URLs refused before any I/O', () => {
  const urls = [
    'http://cimd.example.com/ok.json',
    'https://2130706433/ok.json',
    'https://0x7f000001/ok.json',
    'https://0177.0.0.1/ok.json',
    'https://127.1/ok.json',
    'https://127.0.0.1/ok.json',
    'https://169.254.169.254/latest/meta-data',
    'https://0xa9fea9fe/latest',
    'https://[::1]/ok.json',
    'https://[::ffff:127.0.0.1]/ok.json',
    'https://[fd00:ec2::254]/latest',
    'https://localhost/ok.json',
    'https://localhost./ok.json',
    'https://a.localhost/ok.json',
    'https://user:pass@cimd.example.com/ok.json',
    'https://cimd.example.com@evil.example.com/ok.json',
    'https://cimd.example.com/ok.json#frag',
    'https://cimd.example.com/ok.json?x=1',
    'https://cimd.example.com/',
    'https://cimd.example.com',
    'https://cimd.example.com/./ok.json',
    'https://cimd.example.com/a/../ok.json',
    'https://cimd.example.com/%2e%2e/ok.json',
    'https://CIMD.example.com/ok.json',
    'https://cimd.example.com:443/ok.json',
    'https://cimd.example.com\\ok.json',
    'https://xn--e1afmkfd.example.com/ok.json',
    'https://denied.example.com/ok.json',
    'https://x.blocked.example/ok.json',
    `https://cimd.example.com/${'a'.repeat(520)}`,
    'javascript:alert(1)',
    'file:///etc/passwd',
  ];
  it(`refuses ${urls.length} URLs without resolving or connecting`, async () => {
    for (const url of urls) {
      const { refused, h } = await fetchClientId(url);
      expect(refused, url).toBeDefined();
      expect(h.resolved, url).toEqual([]);
      expect(h.opened, url).toEqual([]);
    }
  });

  it('applies an allow-list of hosts', () => {
    const policy = { allowedHosts: ['.trusted.example'], deniedHosts: [] };
    expect(checkClientIdUrl('https://app.trusted.example/c.json', policy).ok).toBe(true);
    expect(checkClientIdUrl('https://cimd.example.com/c.json', policy).ok).toBe(false);
  });
});

describe('CIMD fetches: the address check before any connection, then the response rules', () => {
  it.each([
    ['a name resolving to a private address', 'https://internal.example.com/ok.json'],
    ['a name with one private answer among public ones (rebinding)', 'https://mixed.example.com/ok.json'],
    ['a name resolving to AWS IMDS over IPv6', 'https://v6.example.com/ok.json'],
    ['a name resolving to an IPv4-mapped metadata address', 'https://mapped.example.com/ok.json'],
    ['a name resolving to 169.254.169.254', 'https://meta.example.com/ok.json'],
    ['a name resolving through NAT64 to the metadata address', 'https://nat64.example.com/ok.json'],
    ['a name that does not resolve', 'https://empty.example.com/ok.json'],
  ])('%s: resolved once, never connected', async (_name, url) => {
    const { refused, h } = await fetchClientId(url);
    expect(refused).toBeDefined();
    expect(h.resolved).toEqual([new URL(url).hostname]);
    expect(h.opened).toEqual([]);
  });

  it.each(['https://127.0.0.1/x', 'https://[::1]/x', 'https://169.254.169.254/x', 'https://[::ffff:a9fe:a9fe]/x', 'https://10.1.2.3/x'])(
    'safeFetch itself refuses the literal %s without connecting',
    async (url) => {
      const h = harness();
      await expect(safeFetch(new URL(url), h.options)).rejects.toThrow(CimdFetchError);
      expect(h.resolved).toEqual([]);
      expect(h.opened).toEqual([]);
    },
  );

  it('fetches a good document from exactly the resolved address, once, with SNI for the name', async () => {
    const { fetched, h } = await fetchClientId(`${BASE}/ok.json`);
    expect(JSON.parse(fetched!.body.toString()).client_name).toBe('Example client');
    expect(fetched!.cacheControl).toBe('max-age=600');
    expect(h.resolved).toEqual(['cimd.example.com']);
    expect(h.opened).toEqual([{ address: PUBLIC, port: 443, servername: 'cimd.example.com', tls: true }]);
    expect((await fetchClientId(`${BASE}/vnd.json`)).fetched).toBeDefined();
    expect((await fetchClientId(`${BASE}/exactly-limit`)).fetched!.body.length).toBe(5120);
  });

  it.each([
    ['301 to the metadata address', '/r301', /redirects are not followed/],
    ['302', '/r302', /redirects are not followed/],
    ['307', '/r307', /redirects are not followed/],
    ['308', '/r308', /redirects are not followed/],
    ['404', '/404', /HTTP 404/],
    ['500', '/500', /HTTP 500/],
    ['204', '/204', /HTTP 204/],
    ['text/html', '/html', /not application\/json/],
    ['no content type', '/notype', /not application\/json/],
    ['gzip', '/gzip', /gzip-encoded/],
    ['5,121+ bytes with Content-Length', '/big', /larger than 5120/],
    ['5,121+ bytes without Content-Length', '/big-nolength', /larger than 5120/],
    ['5,121+ bytes chunked', '/big-chunked', /larger than 5120/],
    ['headers after the deadline', '/slow-headers', /in time/],
    ['a body trickling past the deadline', '/trickle', /in time/],
  ])('%s: refused, and only the one connection was made', async (_name, path, reason) => {
    const { refused, h } = await fetchClientId(`${BASE}${path}`);
    expect(refused).toMatch(reason);
    expect(h.opened).toHaveLength(1);
  });
});

describe('CIMD documents, fetched and validated into a registration', () => {
  const memory = (): CimdRegistry & { aliases: Map<string, CimdAliasRecord> } => {
    const aliases = new Map<string, CimdAliasRecord>();
    return {
      aliases,
      getAlias: async (url) => aliases.get(url),
      create: async (alias) => void aliases.set(alias.clientId, alias),
      update: async (alias) => void aliases.set(alias.clientId, alias),
      touch: async (url, fetchedAt, cacheUntil) => void aliases.set(url, { ...aliases.get(url)!, fetchedAt, cacheUntil }),
    };
  };
  const run = async (path: string) => {
    const h = harness();
    const registry = memory();
    const created: string[] = [];
    const result = await resolveCimdClient(`${BASE}${path}`, {
      hosts: POLICY, metadata: {}, resourceServerId: 'https://mcp.example.com/mcp', allowedScopes: ['https://mcp.example.com/mcp/read'],
      cache: { minSeconds: 300, maxSeconds: 86_400 }, callbackUrl: 'https://mcp.example.com/oauth/callback',
    }, {
      registry, countActiveAppClients: async () => 0,
      appClients: { createClient: async (request) => (created.push(request.name), { clientId: 'app123' }), deleteClient: async () => {} },
      fetchDocument: (url) => safeFetch(url, h.options),
    }).then((alias): { alias?: CimdAliasRecord; error?: unknown } => ({ alias }), (error: unknown): { alias?: CimdAliasRecord; error?: unknown } => ({ error }));
    return { ...result, created, registry };
  };

  it('a valid document becomes one app client and an alias', async () => {
    const { alias, created } = await run('/ok.json');
    expect(alias).toMatchObject({ clientId: `${BASE}/ok.json`, aliasOf: 'app123', redirectUris: ['https://app.example.org/cb'], clientName: 'Example client' });
    expect(alias!.cacheUntil - alias!.fetchedAt).toBe(600);
    expect(created).toEqual(['dcr cimd cimd.example.com']);
  });

  it("a host the resolver does not know: the refusal page says so plainly; the resolver's own text goes only to the log", async () => {
    const h = harness();
    h.options.resolve = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: host });
    };
    const refused: Array<{ reason: string; detail: string | undefined }> = [];
    const page = await lookUpClient('https://gone.example.com/client.json', {
      registry: {} as never,
      appClients: { updateClient: async () => {} },
      callbackUrl: 'https://mcp.example.com/oauth/callback',
      onCimdRefused: (_id, reason, detail) => refused.push({ reason, detail }),
      cimd: (url) =>
        resolveCimdClient(url, {
          hosts: POLICY, metadata: {}, resourceServerId: 'https://mcp.example.com/mcp', allowedScopes: [], cache: { minSeconds: 300, maxSeconds: 86_400 }, callbackUrl: 'x',
        }, { registry: memory(), countActiveAppClients: async () => 0, appClients: { createClient: async () => ({ clientId: 'x' }), deleteClient: async () => {} }, fetchDocument: (target) => safeFetch(target, h.options) }),
    }).then(() => undefined, (error: unknown) => error as OAuthError);
    expect(page).toBeInstanceOf(OAuthError);
    expect(page!.description).toBe("The application's metadata document could not be fetched: the host gone.example.com does not resolve");
    expect(page!.description).not.toMatch(/getaddrinfo|ENOTFOUND/);
    expect(refused).toEqual([{ reason: page!.description, detail: 'ENOTFOUND: getaddrinfo ENOTFOUND gone.example.com' }]);
    expect(h.opened).toEqual([]);
  });

  it('a document offering only private_key_jwt becomes a client bound to it, with its jwks_uri', async () => {
    const { alias } = await run('/pkjwt.json');
    expect(alias).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', keys: { jwksUri: `${BASE}/jwks` } });
  });

  it.each([
    ['invalid JSON', '/invalid.json', /not valid JSON/],
    ['duplicate keys', '/dup.json', /repeats the key redirect_uris/],
    ['client_id of another URL', '/mismatch.json', /client_id in the document/],
    ['client_id with a trailing slash', '/slash.json', /client_id in the document/],
    ['client_id with an upper-case host', '/case.json', /client_id in the document/],
    ['client_secret_basic', '/basic.json', /has no secret, so this server accepts none or private_key_jwt/],
    ['private_key_jwt without keys', '/pkjwt-nokeys.json', /publishes no keys/],
    ['a client_secret in the document', '/secret.json', /must not carry a client secret/],
    ['no redirect_uris', '/noredirect.json', /no redirect_uris/],
    ['an http redirect URI on a public host', '/badredirect.json', /redirect_uris.0/],
    ['no client_name', '/noname.json', /no client_name/],
    ['client_credentials', '/cc.json', /grant_types/],
    ['an array', '/array.json', /not a JSON object/],
  ])('%s: refused, nothing created', async (_name, path, reason) => {
    const { error, created, registry } = await run(path);
    expect(error).toBeInstanceOf(CimdClientError);
    expect((error as Error).message).toMatch(reason);
    expect(created).toEqual([]);
    expect(registry.aliases.size).toBe(0);
  });
});
