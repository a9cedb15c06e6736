import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProxy } from '../../local/gateway-proxy.js';
import { type ManagedProcess, httpAnswers, startProcess, waitUntil } from '../../local/processes.js';
import { PROJECT_ROOT } from '../../local/settings.js';

/**
 * Response streaming on the local stack's own parts: the patched serverless-offline
 * (patches/serverless-offline+14.8.2.patch) running a test-only service
 * (tests/fixtures/streaming-service) whose functions keep or break the contract of a streamed
 * Lambda proxy response, behind the local gateway proxy, read by a real HTTP client chunk by
 * chunk. The product's own tools never write two SSE events at different times (none reports
 * progress or logs), so arrival before the end is shown here, with a function that waits for the
 * test between its writes: an answer delivered only when complete would never get its second event.
 */
const FIXTURE = join(PROJECT_ROOT, 'tests', 'fixtures', 'streaming-service');

interface Gate {
  url: string;
  /** Resolves when the function has reached `step` (and waits there). */
  reached(step: string): Promise<void>;
  /** Lets the function past `step`. */
  release(step: string): void;
  close(): Promise<void>;
}

function startGate(): Promise<Gate> {
  const waiting = new Map<string, ServerResponse>();
  const arrivals = new Map<string, () => void>();
  const arrived = new Map<string, Promise<void>>();
  const arrival = (step: string) => {
    if (!arrived.has(step)) arrived.set(step, new Promise<void>((resolve) => arrivals.set(step, resolve)));
    return arrived.get(step)!;
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const step = (request.url ?? '/').slice(1);
    waiting.set(step, response);
    void arrival(step);
    arrivals.get(step)!();
  });
  return new Promise((resolve) => {
    server.listen(0, 'localhost', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://localhost:${port}`,
        reached: arrival,
        release(step) {
          waiting.get(step)?.end('go');
          waiting.delete(step);
        },
        close: () => {
          for (const response of waiting.values()) response.end('go');
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, 'localhost', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Reads a streamed body chunk by chunk. */
function chunkReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    text: () => text,
    /** Reads until `expected` has arrived; fails if the body ends first. */
    async until(expected: string) {
      while (!text.includes(expected)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the body ended before ${JSON.stringify(expected)}: ${JSON.stringify(text)}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    /** Reads to the end: 'ended' for a complete body, 'cut' for one broken off. */
    async rest(): Promise<'ended' | 'cut'> {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'ended';
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return 'cut';
      }
    },
  };
}

describe('response streaming through the patched serverless-offline and the gateway proxy', () => {
  let offline: ManagedProcess;
  let proxy: Server;
  let gate: Gate;
  let base: string;
  let logDir: string;

  beforeAll(async () => {
    const [httpPort, lambdaPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
    logDir = mkdtempSync(join(tmpdir(), 'streaming-fixture-'));
    const cli = join(PROJECT_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
    offline = startProcess('offline', process.execPath, [cli, 'offline', 'start', '--noSponsor'], {
      cwd: FIXTURE,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        FIXTURE_HTTP_PORT: String(httpPort),
        FIXTURE_LAMBDA_PORT: String(lambdaPort),
      },
      logDir,
    });
    // Any answer (404 at the root) means offline is listening.
    await waitUntil('fixture serverless-offline', () => httpAnswers(`http://localhost:${httpPort}/`), { timeoutMs: 60_000, process: offline });
    proxy = await startGatewayProxy({ port: proxyPort, offlinePort: httpPort, responses: {} });
    gate = await startGate();
    base = `http://localhost:${proxyPort}`;
  });

  afterAll(async () => {
    await gate?.close();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    proxy?.closeAllConnections();
    await offline?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  // Each request has gate steps of its own: {n}/prelude, {n}/first.
  let requests = 0;
  const post = (path: string) => {
    const n = ++requests;
    const answer = fetch(`${base}/${path}?gate=${encodeURIComponent(`${gate.url}/${n}`)}`, { method: 'POST', body: '{}' });
    return Object.assign(answer, { step: (name: string) => `${n}/${name}` });
  };

  it('sends the prelude as status and headers, then each chunk as the function writes it', async () => {
    const answer = post('gated');
    await gate.reached(answer.step('prelude'));
    gate.release(answer.step('prelude'));
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-single')).toBe('one');
    expect(response.headers.get('x-multi')).toBe('first, second');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    // A function's own WWW-Authenticate reaches the client renamed, as from API Gateway.
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(response.headers.get('x-amzn-remapped-www-authenticate')).toBe('Bearer realm="fixture"');
    expect(response.headers.get('content-length')).toBeNull();

    const body = chunkReader(response);
    await body.until('data: {"n":1}\n\n');
    // The function is waiting at the gate: the second event cannot have been written yet.
    await gate.reached(answer.step('first'));
    expect(body.text()).toBe('event: message\ndata: {"n":1}\n\n');
    gate.release(answer.step('first'));
    expect(await body.rest()).toBe('ended');
    expect(body.text()).toBe('event: message\ndata: {"n":1}\n\nevent: message\ndata: {"n":2}\n\n');
  });

  it.each([
    ['a function that throws before writing', 'throws-before-prelude'],
    ['a stream without the metadata prelude', 'no-prelude'],
    ['a streamified handler that is not async', 'not-async'],
    ['a function that is not streamified, on a STREAM method', 'buffered-on-stream'],
    ['a streamified function on a BUFFERED method', 'streamed-on-buffered'],
  ])('answers 502 Internal server error for %s', async (_case, path) => {
    const response = await post(path);
    expect(response.status).toBe(502);
    // The buffered path keeps offline's own (empty) 502; the streamed one answers as API Gateway.
    if (path !== 'streamed-on-buffered') expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it('cuts the answer off when the function fails after its prelude, so it never looks complete', async () => {
    const answer = post('throws-after-prelude');
    const response = await answer;
    expect(response.status).toBe(200);
    const body = chunkReader(response);
    await body.until('data: {"n":1}\n\n');
    await gate.reached(answer.step('first'));
    gate.release(answer.step('first'));
    expect(await body.rest()).toBe('cut');
  });

  it('cuts a stream the function leaves open when the function times out', { timeout: 30_000 }, async () => {
    const response = await post('left-open');
    expect(response.status).toBe(200);
    const body = chunkReader(response);
    await body.until('written, never ended');
    expect(await body.rest()).toBe('cut');
  });

  it('leaves buffered methods as they were', async () => {
    const response = await post('buffered');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String('a buffered answer'.length));
    expect(await response.text()).toBe('a buffered answer');
  });
});
