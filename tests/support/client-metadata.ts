import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';

/** The published client metadata documents in tests/fixtures/client-metadata (see its README). */
export type PublishedClient = 'chatgpt' | 'vscode' | 'claude' | 'codex';

export function publishedDocument(name: PublishedClient | 'vscode-registration'): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/client-metadata/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/**
 * A published document as the tests' CIMD host serves it: the same document, with its client_id
 * (and jwks_uri) moved to the local host, since a document must be served at its own client_id.
 */
export function servePublishedDocument(cimd: { origin: string; dir: string }, name: PublishedClient, changes: Record<string, unknown> = {}) {
  const base = `${name}-${crypto.randomUUID().slice(0, 8)}`;
  const url = `${cimd.origin}/${base}.json`;
  const jwksUrl = `${cimd.origin}/${base}-jwks.json`;
  const published = publishedDocument(name);
  const document = { ...published, client_id: url, ...('jwks_uri' in published && { jwks_uri: jwksUrl }), ...changes };
  writeFileSync(join(cimd.dir, `${base}.json`), JSON.stringify(document));
  return {
    url,
    jwksUrl,
    document,
    publishJwks: (jwks: { keys: JWK[] }, headers?: Record<string, string>) => {
      writeFileSync(join(cimd.dir, `${base}-jwks.json`), JSON.stringify(jwks));
      if (headers) writeFileSync(join(cimd.dir, `${base}-jwks.headers.json`), JSON.stringify(headers));
    },
  };
}

/** A client's signing key, as a client that signs RFC 7523 assertions with jose holds it. */
export interface ClientSigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function clientSigningKey(alg: 'RS256' | 'ES256' = 'RS256', kid = `key-${crypto.randomUUID().slice(0, 8)}`): Promise<ClientSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A client assertion (RFC 7523 §3) as a client library makes one; `claims`/`header` override the defaults. */
export async function clientAssertion(
  key: ClientSigningKey,
  clientId: string,
  audience: string | string[],
  options: { claims?: Record<string, unknown>; header?: Record<string, unknown>; expiresIn?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + (options.expiresIn ?? 60), jti: crypto.randomUUID(), ...options.claims };
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header }).sign(key.privateKey);
}

/** The form fields of private_key_jwt. */
export const assertionFields = (assertion: string, clientId?: string): Record<string, string> => ({
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: assertion,
  ...(clientId !== undefined && { client_id: clientId }),
});
