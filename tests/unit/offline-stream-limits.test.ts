import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
// The patched serverless-offline's API Gateway side of a STREAM integration (patches/), driven
// directly: the limits are minutes long on AWS, so they are given short here.
// @ts-expect-error: plain JavaScript module of the patched package, no types
import { STREAM_LIMITS, streamProxyResponse } from '../../node_modules/serverless-offline/src/events/http/streamProxyResponse.js';

type Invoke = (sink: Writable) => Promise<unknown>;
const prelude = (metadata: unknown) => Buffer.concat([Buffer.from(JSON.stringify(metadata)), Buffer.alloc(8)]);

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real HTTP server whose only answer is the streamed response of `invoke`, and a real client's view of it. */
async function answer(invoke: Invoke, limits: Partial<typeof STREAM_LIMITS> = {}) {
  server = createServer((_request, response) => streamProxyResponse(response, invoke, { ...STREAM_LIMITS, ...limits }));
  await new Promise<void>((resolve) => server!.listen(0, 'localhost', () => resolve()));
  const response = await fetch(`http://localhost:${(server.address() as AddressInfo).port}/`);
  let body = '';
  let end: 'ended' | 'cut' = 'ended';
  try {
    body = await response.text();
  } catch {
    end = 'cut';
  }
  return { status: response.status, headers: response.headers, body, end };
}

describe('a streamed Lambda proxy response (patched serverless-offline)', () => {
  it('needs the metadata prelude and its delimiter within the first 16 KB', async () => {
    const late = await answer(async (sink) => {
      sink.write('x'.repeat(16 * 1024 + 1));
      sink.end(prelude({ statusCode: 200 }));
    });
    expect(late).toMatchObject({ status: 502, body: '{"message":"Internal server error"}' });

    // JSON padded with whitespace to exactly 16 KB before the delimiter.
    const json = '{"statusCode":200}';
    const padded = Buffer.concat([Buffer.from(' '.repeat(16 * 1024 - json.length) + json), Buffer.alloc(8), Buffer.from('body')]);
    const inTime = await answer(async (sink) => sink.end(padded));
    expect(inTime).toMatchObject({ status: 200, body: 'body', end: 'ended' });
  });

  it('refuses a prelude without a valid statusCode, and defaults Content-Type as API Gateway does', async () => {
    expect((await answer(async (sink) => sink.end(prelude({ headers: {} })))).status).toBe(502);
    expect((await answer(async (sink) => sink.end(prelude({ statusCode: 'ok' })))).status).toBe(502);
    expect((await answer(async (sink) => sink.end(prelude(['not', 'an', 'object'])))).status).toBe(502);
    const plain = await answer(async (sink) => sink.end(prelude({ statusCode: 204 })));
    expect(plain.status).toBe(204);
    expect(plain.headers.get('content-type')).toBe('application/json');
  });

  it('merges headers and multiValueHeaders (the latter winning) and sends cookies as Set-Cookie', async () => {
    const merged = await answer(async (sink) =>
      sink.end(prelude({ statusCode: 200, headers: { 'X-A': 'single', 'X-B': 'loses' }, multiValueHeaders: { 'x-b': ['one', 'two'] }, cookies: ['c=1'] })),
    );
    expect(merged.headers.get('x-a')).toBe('single');
    expect(merged.headers.get('x-b')).toBe('one, two');
    expect(merged.headers.getSetCookie()).toEqual(['c=1']);
  });

  it('cuts a stream that stays idle past the idle timeout', async () => {
    const idle = await answer(
      async (sink) => {
        sink.write(prelude({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } }));
        sink.write('first');
        // never written to again, never ended
        await new Promise(() => {});
      },
      { idleTimeoutMs: 200 },
    );
    expect(idle).toMatchObject({ status: 200, end: 'cut' });
  });

  it('cuts a stream that outlasts the longest streaming time, however busy', async () => {
    let writing: NodeJS.Timeout | undefined;
    const long = await answer(
      async (sink) => {
        sink.write(prelude({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } }));
        writing = setInterval(() => sink.write('.'), 10);
        await new Promise(() => {});
      },
      { idleTimeoutMs: 1000, maxDurationMs: 300 },
    );
    clearInterval(writing);
    expect(long).toMatchObject({ status: 200, end: 'cut' });
  });
});
