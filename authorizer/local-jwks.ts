import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { isLoopbackHost } from '../lib/http/loopback.js';
import { requireLocalStack } from '../lib/local-only.js';

/**
 * The embedded local stack runs cognito-local, whose tokens carry the real Cognito issuer
 * (https://cognito-idp.{region}.amazonaws.com/{poolId}) so that the unchanged production verifier
 * accepts them. This fetcher serves that issuer's JWKS from cognito-local instead.
 *
 * cognito-local's signing key is public (it ships in the npm package), so this must never be
 * possible in a deployed stack. It is only honoured when every one of these holds, and asking for
 * it anywhere else is a configuration error that stops the authorizer (fail closed): the local
 * stack's guard (lib/local-only.ts) holds, and the emulator's origin is plain http on a loopback address.
 */
export const LOCAL_JWKS_VARIABLE = 'LOCAL_COGNITO_JWKS_ORIGIN';

const COGNITO_ISSUER_ORIGIN = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\//;

export function localJwksOrigin(env: Record<string, string | undefined>): string | undefined {
  const origin = env[LOCAL_JWKS_VARIABLE];
  if (origin === undefined || origin === '') return undefined;
  const refuse = requireLocalStack(LOCAL_JWKS_VARIABLE, env);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return refuse('it is not a URL');
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) {
    refuse('it is not an http URL on a loopback host');
  }
  return url.origin;
}

/** Maps Cognito's JWKS URL (https://cognito-idp.{region}.amazonaws.com/{pool}/...) to the emulator. */
export function localJwksFetcher(origin: string): Fetcher {
  return {
    async fetch(uri: string): Promise<ArrayBuffer> {
      if (!COGNITO_ISSUER_ORIGIN.test(uri)) throw new Error(`Refusing to fetch ${uri}`);
      // FetchError, like aws-jwt-verify's own fetcher: the authorizer reports a dependency failure.
      const response = await fetch(uri.replace(COGNITO_ISSUER_ORIGIN, `${origin}/`), {
        signal: AbortSignal.timeout(2000),
      }).catch((error: unknown) => {
        throw new FetchError(uri, error instanceof Error ? error.message : 'fetch failed');
      });
      if (!response.ok) throw new FetchError(uri, `JWKS fetch failed with HTTP ${response.status}`);
      return response.arrayBuffer();
    },
  };
}
