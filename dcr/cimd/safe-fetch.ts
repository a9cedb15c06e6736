import { request as httpRequest, type IncomingMessage } from 'node:http';
import { isIP, connect as netConnect } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { checkAddress } from './address-policy.js';

/**
 * Fetches a Client ID Metadata Document without letting the URL reach anything private:
 *  1. the host is resolved once (or is an address literal), and EVERY answer must be a public
 *     address (one private answer refuses the name: a DNS-rebinding guard);
 *  2. the connection goes to that very address (the name is never resolved again), with TLS SNI
 *     and certificate checks for the host name;
 *  3. no redirect is followed; only 200, JSON, no content encoding, at most `maxBytes` (the draft
 *     recommends 5 KB; real documents are about 500 bytes), all within `timeoutMs` in total
 *     (DNS + connect + TLS + headers + body): /authorize must stay well inside Lambda's 10 s.
 * The resolver and the socket opener are injected: tests prove the address check runs before any
 * connection is opened, without ever connecting to a non-loopback address.
 */
export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;
export interface SocketTarget {
  address: string;
  port: number;
  /** The URL's host name: TLS SNI and the name the certificate must match. */
  servername: string;
  tls: boolean;
}
export type SocketOpener = (target: SocketTarget, signal: AbortSignal) => Promise<Duplex>;

export interface SafeFetchOptions {
  resolve: Resolver;
  openSocket: SocketOpener;
  maxBytes: number;
  timeoutMs: number;
}

export interface FetchedDocument {
  body: Buffer;
  cacheControl?: string | undefined;
  expires?: string | undefined;
  date?: string | undefined;
}

/**
 * Why a fetch failed. The message is plain and ours (it is shown on the refusal page); the
 * platform's own text (`getaddrinfo ENOTFOUND …`, a TLS error) goes only into `detail`, for the log.
 */
export class CimdFetchError extends Error {
  override readonly name = 'CimdFetchError';
  /** A network or server failure (may succeed later) rather than a bad document. */
  constructor(message: string, readonly transient = false, readonly detail?: string) {
    super(message);
  }
}

export const systemResolver: Resolver = async (host) => lookup(host, { all: true, verbatim: true });

/** TLS to the pinned address, verified against the host name (system CAs, plus NODE_EXTRA_CA_CERTS). */
export const systemSocketOpener: SocketOpener = (target, signal) =>
  new Promise((resolve, reject) => {
    const socket = target.tls
      ? tlsConnect({ host: target.address, port: target.port, servername: target.servername, ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.2' })
      : netConnect({ host: target.address, port: target.port });
    const abort = () => socket.destroy(new Error('timed out'));
    signal.addEventListener('abort', abort, { once: true });
    socket.once(target.tls ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });

/** The operation, or a transient error once the deadline passes (the listener is removed either way). */
async function withDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => {};
  const expired = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new CimdFetchError('the document host did not answer in time', true));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The addresses the URL may be fetched from, all checked; throws when any is not public. */
export async function resolvePublicAddresses(url: URL, resolve: Resolver, skipAddressRules: boolean): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (answers.length === 0) throw new CimdFetchError(`${url.hostname} does not resolve`, true);
  if (!skipAddressRules) {
    for (const answer of answers) {
      const verdict = checkAddress(answer.address);
      if (!verdict.ok) throw new CimdFetchError(`${url.hostname} resolves to ${verdict.reason.replace(/^\S+ is /, 'an address that is ')}`);
    }
  }
  return answers.map((answer) => answer.address);
}

const JSON_TYPE = /^application\/(json|[a-z0-9.+-]+\+json)$/;

async function readResponse(response: IncomingMessage, maxBytes: number): Promise<FetchedDocument> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) throw new CimdFetchError(`the document URL answered ${status}: redirects are not followed`);
  if (status !== 200) throw new CimdFetchError(`the document URL answered HTTP ${status}`, status >= 500);
  const type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (!type || !JSON_TYPE.test(type)) throw new CimdFetchError(`the document is ${type ?? 'of no content type'}, not application/json`);
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') throw new CimdFetchError(`the document is ${encoding}-encoded; only identity is accepted`);
  const length = Number(response.headers['content-length'] ?? NaN);
  if (length > maxBytes) throw new CimdFetchError(`the document is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new CimdFetchError(`the document is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return {
    body: Buffer.concat(chunks),
    cacheControl: response.headers['cache-control'],
    expires: response.headers.expires,
    date: response.headers.date,
  };
}

export async function safeFetch(url: URL, options: SafeFetchOptions, context: { skipAddressRules?: boolean } = {}): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let socket: Duplex | undefined;
  try {
    const [address] = await withDeadline(resolvePublicAddresses(url, options.resolve, context.skipAddressRules ?? false), signal);
    const tls = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : tls ? 443 : 80;
    socket = await withDeadline(options.openSocket({ address: address!, port, servername: url.hostname, tls }, signal), signal);
    const connected = socket;
    const response = await withDeadline(
      new Promise<IncomingMessage>((resolve, reject) => {
        const request = httpRequest({
          createConnection: () => connected as never,
          method: 'GET',
          host: url.hostname,
          path: url.pathname,
          headers: { host: url.host, accept: 'application/json', 'accept-encoding': 'identity', 'user-agent': 'secure-mcp-cimd/1' },
          // No agent: with one (even `agent: false`, which makes a fresh Agent) Node ignores
          // createConnection and resolves the host name again itself, which is the very lookup
          // the pinned address exists to avoid. The corpus test failed with ENOTFOUND on this.
        });
        request.once('response', resolve);
        request.once('error', reject);
        request.end();
      }),
      signal,
    );
    return await withDeadline(readResponse(response, options.maxBytes), signal);
  } catch (error) {
    if (error instanceof CimdFetchError) throw error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const detail = error instanceof Error ? `${code ?? error.name}: ${error.message}` : String(error);
    const plain = code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA' ? 'does not resolve' : 'could not be reached or refused the connection';
    throw new CimdFetchError(`the host ${url.hostname} ${plain}`, true, detail.slice(0, 300));
  } finally {
    socket?.destroy();
  }
}
