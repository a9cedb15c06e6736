import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';

export const CIMD_CERT_FILE = new URL('../fixtures/cimd-localhost.crt', import.meta.url).pathname;
const CIMD_KEY_FILE = new URL('../fixtures/cimd-localhost.key', import.meta.url).pathname;

/**
 * An https host for Client ID Metadata Documents in the tests (test-only certificate in
 * tests/fixtures): GET /<name>.json serves {dir}/<name>.json as application/json, with the
 * headers in {dir}/<name>.headers.json if that file exists (Cache-Control, say).
 */
export function startCimdHost(port: number, dir: string): Promise<Server> {
  const server = createServer({ cert: readFileSync(CIMD_CERT_FILE), key: readFileSync(CIMD_KEY_FILE) }, (request, response) => {
    const name = /^\/([\w-]+)\.json$/.exec(request.url ?? '')?.[1];
    const file = name && join(dir, `${name}.json`);
    if (!file || !existsSync(file)) {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end('{"error":"not found"}');
      return;
    }
    const headersFile = join(dir, `${name}.headers.json`);
    const headers = existsSync(headersFile) ? (JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, string>) : {};
    response.writeHead(200, { 'Content-Type': 'application/json', ...headers });
    response.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve(server));
  });
}
