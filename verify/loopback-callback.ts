import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackCallback {
  /** The redirect URI to send, with the port actually listened on. */
  redirectUri: string;
  /** The authorization response (the first request to the callback path). */
  received: Promise<URL>;
  close(): Promise<void>;
}

/**
 * The native client's half of the redirect (RFC 8252 §7.3): listens on the loopback host of the
 * registered redirect URI, on its port or a free one, and takes the first request to its path.
 */
export async function listenForCallback(registeredRedirectUri: string): Promise<LoopbackCallback> {
  const registered = new URL(registeredRedirectUri);
  let deliver: (url: URL) => void = () => {};
  const received = new Promise<URL>((resolve) => (deliver = resolve));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', registered.origin);
    // The browser may also ask for /favicon.ico: only the callback path is the response.
    if (url.pathname !== registered.pathname) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end('<!DOCTYPE html><title>npm run verify</title><p>Signed in for npm run verify; you can close this window.</p>');
    deliver(url);
  });
  const host = registered.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(registered.port || 0), host, () => resolve());
  });
  const redirect = new URL(registered.href);
  redirect.port = String((server.address() as AddressInfo).port);
  return {
    redirectUri: redirect.href,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
