import { type KeyObject, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { LOCAL_ISSUER } from './tokens.js';

/**
 * JWTs assembled by hand, for the hostile corpus: unlike a JWT library, this signs whatever it is
 * given (alg none, HS256 with the public key, odd headers, claims of the wrong type).
 */
const require = createRequire(import.meta.url);
const privateJwk = (require('cognito-local/lib/keys/cognitoLocal.private.json') as { jwk: Record<string, string> }).jwk;
export const cognitoLocalPrivateKey: KeyObject = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
export const cognitoLocalPublicPem = createPublicKey(cognitoLocalPrivateKey).export({ type: 'spki', format: 'pem' }) as string;
export const strangerKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function accessClaims(poolId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: crypto.randomUUID(),
    username: 'corpus-user',
    client_id: 'corpus-client',
    token_use: 'access',
    scope: 'openid',
    jti: crypto.randomUUID(),
    iss: LOCAL_ISSUER(poolId),
    auth_time: now,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** header.payload signed RS256 with `key` (cognito-local's by default). */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown> | string, key: KeyObject = cognitoLocalPrivateKey): string {
  const input = `${b64({ alg: 'RS256', kid: 'CognitoLocal', ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The classic algorithm confusion: HS256 with the RSA public key as the HMAC secret. */
export function signHs256WithPublicKey(payload: Record<string, unknown>): string {
  const input = `${b64({ alg: 'HS256', kid: 'CognitoLocal', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', cognitoLocalPublicPem).update(input).digest('base64url')}`;
}
