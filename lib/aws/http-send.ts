import { Agent, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';

/**
 * How the SDK-free AWS adapters (aws-json-call.ts, sts-assume-role.ts) and the facade's Cognito
 * token call (oauth/token/cognito-token-endpoint.ts) send a request and read its
 * whole answer: Node's own HTTP client, not the global fetch. A function's first fetch builds
 * undici's client, whose HTTP parser is WebAssembly compiled on first use; node:http's parser is
 * native. Measured on a 2-core machine, the same MCP handler bundle before and after, alternated:
 * its first tools/call took 141 ms of wall time and 207 ms of CPU with fetch, 122 ms and 137 ms
 * with this (the compilation runs on other threads too, which a small Lambda does not have to
 * spare). node:https (TLS) is loaded on the first https request, as fetch loads it, so a stack
 * that calls a plain-http emulator never loads it.
 *
 * Connections are kept alive between requests, and a free one is closed after 4 s idle (undici's
 * default): long enough to serve a burst. A frozen container's timers do not run, so after a
 * freeze a kept connection the service has closed meanwhile can still be handed out; a request
 * that fails on one before any answer is sent again on another connection (fetch failed it).
 * Answers are read whole: the adapters parse JSON or XML of bounded size.
 */
export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Ends the request, and the wait for its answer, when it aborts. */
  signal?: AbortSignal | undefined;
}

/** What the adapters read of an answer: the part of fetch's Response they use, so a test may answer with a real Response. */
export interface SendAnswer {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Send = (url: string, init: SendInit) => Promise<SendAnswer>;

const IDLE_MS = 4_000;

export interface HttpSendOptions {
  /** Extra options of the https agent (tests pass the `ca` of their own server). */
  httpsAgent?: HttpsAgentOptions;
}

export function createHttpSend(options: HttpSendOptions = {}): Send {
  const httpAgent = new Agent({ keepAlive: true, timeout: IDLE_MS });
  let https: Promise<{ agent: Agent; request: typeof httpRequest }> | undefined;
  const secure = () =>
    (https ??= import('node:https').then((module) => ({
      agent: new module.Agent({ keepAlive: true, timeout: IDLE_MS, ...options.httpsAgent }),
      request: module.request,
    })));

  return async (url, init) => {
    const target = new URL(url);
    const { agent, request } = target.protocol === 'https:' ? await secure() : target.protocol === 'http:' ? { agent: httpAgent, request: httpRequest } : unsupported(target);
    const requestOptions: RequestOptions = { method: init.method, headers: init.headers, agent, signal: init.signal };
    const attempt = () =>
      new Promise<SendAnswer>((resolve, reject) => {
        let answered = false;
        const outgoing = request(target, requestOptions, (answer) => {
          answered = true;
          answer.setEncoding('utf8');
          let text = '';
          answer.on('data', (chunk: string) => (text += chunk));
          answer.on('end', () => resolve(answerOf(answer, text)));
          // Cut off before its end (the connection closed, or the signal aborted): no answer.
          answer.on('error', reject);
          answer.on('close', () => {
            if (!answer.complete) reject(new Error('the connection closed before the answer ended'));
          });
        });
        outgoing.on('error', (error: NodeJS.ErrnoException) => {
          reject(!answered && outgoing.reusedSocket && STALE.has(error.code ?? '') ? new StaleConnection(error) : error);
        });
        outgoing.end(init.body);
      });
    // A kept connection the service closed while the container was frozen (its idle timer could not
    // run) fails the moment it is used, before any answer: that request is sent again on another
    // connection, as Node's documentation of `reusedSocket` advises. Only then, and only so often
    // as there may be such connections; any other failure is the caller's to judge.
    for (let retries = 0; ; retries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error;
        if (retries >= MAX_STALE_RETRIES || init.signal?.aborted) throw error.cause;
      }
    }
  };
}

/** The errors a connection closed by the other side gives when a request is written to it. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);
const MAX_STALE_RETRIES = 3;

class StaleConnection extends Error {
  constructor(override readonly cause: NodeJS.ErrnoException) {
    super('a kept connection was closed by the other side', { cause });
  }
}

function unsupported(target: URL): never {
  throw new TypeError(`cannot send to ${target.protocol} URLs`);
}

function answerOf(answer: IncomingMessage, text: string): SendAnswer {
  const status = answer.statusCode ?? 0;
  const headers = answer.headers;
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: {
      get(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => text,
  };
}

/** The one sender of a container: its connections are shared by every adapter. */
export const httpSend: Send = createHttpSend();
