import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that passed through the proxy. */
export interface WatchedRequest {
  /** The DynamoDB operation (X-Amz-Target without its prefix), e.g. UpdateItem. */
  operation: string;
  /** Position in arrival order since the last reset. */
  index: number;
  /** True once its response has been sent back. */
  answered: boolean;
}

export interface DynamoDbWatchProxy {
  /** http://127.0.0.1:{port}: point AWS_ENDPOINT_URL_DYNAMODB here. */
  endpoint: string;
  /** Every request since the last reset, in arrival order. */
  requests: WatchedRequest[];
  /** Requests that arrived and have not been answered yet. */
  inFlight(): WatchedRequest[];
  reset(): void;
  close(): Promise<void>;
}

// Hop-by-hop headers, and the length that the proxy sets itself once the body is buffered.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) result[name] = value;
  }
  return result;
}

/**
 * A loopback HTTP proxy in front of DynamoDB Local that knows which requests are in flight, and
 * holds every answer for `holdMs` before sending it back. The hold makes "the handler returned
 * before DynamoDB answered" observable every time instead of by luck: a request the code awaits
 * makes it wait `holdMs` longer, a request it does not await is still in flight when it returns.
 * Bodies and headers pass through unchanged (the AWS SDK checks DynamoDB's x-amz-crc32).
 */
export async function startDynamoDbWatchProxy(upstream: string, options: { holdMs: number }): Promise<DynamoDbWatchProxy> {
  const target = new URL(upstream);
  let requests: WatchedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const watched: WatchedRequest = {
      operation: String(incoming.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, ''),
      index: requests.length,
      answered: false,
    };
    const log = requests;
    log.push(watched);
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...forwardable(incoming.headers), 'content-length': String(body.length), host: target.host },
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            const answerBody = Buffer.concat(answerChunks);
            setTimeout(() => {
              // Answered from the moment the answer leaves: the client cannot have it any earlier.
              watched.answered = true;
              outgoing.writeHead(answer.statusCode ?? 502, { ...forwardable(answer.headers), 'content-length': String(answerBody.length) });
              outgoing.end(answerBody);
            }, options.holdMs);
          });
        },
      );
      forwarded.on('error', (error) => {
        watched.answered = true;
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`proxy: ${error.message}`);
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    inFlight: () => requests.filter((request) => !request.answered),
    reset() {
      requests = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
