import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSend, httpSend } from '../../lib/aws/http-send.js';

/** Real servers on loopback: what the adapters' sender sends, and what it makes of each kind of answer. */
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

async function listen(server: Server, handler: { current: Handler }): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server.on('connection', () => connections++);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler.current(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = 'cert' in server ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/`, connections: () => connections };
}

describe('the AWS adapters’ HTTP sender (node:http, node:https)', () => {
  const handler: { current: Handler } = { current: () => {} };
  const server = createServer();
  let url: string;
  let connections: () => number;
  const send = createHttpSend();

  beforeAll(async () => ({ url, connections } = await listen(server, handler)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the method, headers and body, and reads status, headers and body', async () => {
    let seen: { method?: string; headers: IncomingMessage['headers']; body: string } | undefined;
    handler.current = (request, body, response) => {
      seen = { method: request.method, headers: request.headers, body };
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amzn-RequestId': 'r-1' });
      response.end('{"Attributes":{"count":{"N":"3"}}}');
    };
    const answer = await send(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem' }, body: '{"TableName":"t"}' });
    expect(seen).toMatchObject({ method: 'POST', body: '{"TableName":"t"}' });
    // Host as SigV4 signed it (the URL's host and port), and the length of the body.
    expect(seen!.headers).toMatchObject({ host: new URL(url).host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem', 'content-length': '17' });
    expect(answer.ok).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amzn-requestid')).toBe('r-1');
    expect(answer.headers.get('X-AMZN-REQUESTID')).toBe('r-1');
    expect(answer.headers.get('x-absent')).toBeNull();
    expect(await answer.text()).toBe('{"Attributes":{"count":{"N":"3"}}}');
  });

  it('answers an error status as an answer, not a failure', async () => {
    handler.current = (_request, _body, response) => {
      response.writeHead(400, { 'x-amzn-errortype': 'ConditionalCheckFailedException' });
      response.end('{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}');
    };
    const answer = await send(url, { method: 'POST', headers: {}, body: '{}' });
    expect(answer).toMatchObject({ ok: false, status: 400 });
    expect(answer.headers.get('x-amzn-errortype')).toBe('ConditionalCheckFailedException');
    expect(await answer.text()).toContain('ConditionalCheckFailedException');
  });

  it('keeps the connection for the next request, and closes it after 4 s idle', async () => {
    handler.current = (_request, _body, response) => response.end('{}');
    const fresh = createHttpSend();
    const before = connections();
    await fresh(url, { method: 'POST', headers: {}, body: '{}' });
    await fresh(url, { method: 'POST', headers: {}, body: '{}' });
    expect(connections() - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 4_300));
    await fresh(url, { method: 'POST', headers: {}, body: '{}' });
    expect(connections() - before).toBe(2);
  }, 10_000);

  it('ends the request when its signal aborts, and the connection with it', async () => {
    let closed = false;
    handler.current = (request) => request.socket.on('close', () => (closed = true));
    const signal = AbortSignal.timeout(100);
    await expect(send(url, { method: 'POST', headers: {}, body: '{}', signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });

  it('fails when the connection closes before the answer ends', async () => {
    handler.current = (_request, _body, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    await expect(send(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toThrow();
  });

  it('sends a request again on a new connection when a kept one turns out closed, as after a Lambda freeze', async () => {
    // The symptom of a connection the service closed while the container was frozen: the request
    // written to the kept connection gets a reset, no answer. (Here the server resets it on receipt.)
    const requestsPerConnection = new Map<unknown, number>();
    let received = 0;
    handler.current = (request, _body, response) => {
      received++;
      const count = (requestsPerConnection.get(request.socket) ?? 0) + 1;
      requestsPerConnection.set(request.socket, count);
      if (count === 2) request.socket.resetAndDestroy();
      else response.end('{"ok":true}');
    };
    const fresh = createHttpSend();
    const before = connections();
    expect((await fresh(url, { method: 'POST', headers: {}, body: '{}' })).status).toBe(200);
    const again = await fresh(url, { method: 'POST', headers: {}, body: '{}' });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('{"ok":true}');
    expect(received).toBe(3);
    expect(connections() - before).toBe(2);
  });

  it('does not send again when a new connection is reset: that failure is the caller’s to judge', async () => {
    let received = 0;
    handler.current = (request) => {
      received++;
      request.socket.resetAndDestroy();
    };
    await expect(createHttpSend()(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(received).toBe(1);
  });

  it('fails when nothing listens', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const port = (closedServer.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closedServer.close(() => resolve()));
    await expect(send(`http://127.0.0.1:${port}/`, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('sends nowhere but http and https', async () => {
    await expect(send('file:///etc/passwd', { method: 'GET', headers: {} })).rejects.toThrow(/file:/);
  });

  describe('over TLS', () => {
    // A certificate of this test's own for 127.0.0.1, made by openssl for the run (.ci/run installs it).
    const dir = mkdtempSync(join(tmpdir(), 'http-send-'));
    const tls = { key: '', cert: '' };
    const tlsHandler: { current: Handler } = { current: (_request, body, response) => response.end(`{"echo":${JSON.stringify(body)}}`) };
    let secureUrl: string;
    let secureServer: Server;

    beforeAll(async () => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      tls.key = readFileSync(join(dir, 'key.pem'), 'utf8');
      tls.cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      secureServer = createHttpsServer({ key: tls.key, cert: tls.cert });
      ({ url: secureUrl } = await listen(secureServer, tlsHandler));
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => secureServer.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends over https to a server whose certificate it trusts', async () => {
      const trusting = createHttpSend({ httpsAgent: { ca: tls.cert } });
      const answer = await trusting(secureUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(await answer.text())).toEqual({ echo: '{"a":1}' });
    });

    it('refuses a certificate no trusted authority issued (the default sender)', async () => {
      await expect(httpSend(secureUrl, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    });
  });
});
