import { SignJWT, importJWK, generateKeyPair, type JWK } from 'jose';
import { createRequire } from 'node:module';

/**
 * Tokens for negative tests, signed with cognito-local's key (it ships in the npm package, which
 * is exactly why the local JWKS mapping must never work in a deployed stack) or with a key of
 * our own that no JWKS knows.
 */
const require = createRequire(import.meta.url);
const cognitoLocalKey = (require('cognito-local/lib/keys/cognitoLocal.private.json') as { jwk: JWK }).jwk;

export const LOCAL_ISSUER = (poolId: string) => `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;

export interface MintOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  signWith?: 'cognito-local' | 'stranger';
}

export async function mintToken(poolId: string, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const key =
    options.signWith === 'stranger'
      ? (await generateKeyPair('RS256')).privateKey
      : await importJWK(cognitoLocalKey, 'RS256');
  return new SignJWT({
    sub: '11111111-2222-3333-4444-555555555555',
    username: 'minted-user',
    client_id: 'minted-client',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    jti: crypto.randomUUID(),
    iss: LOCAL_ISSUER(poolId),
    iat: now,
    exp: now + (options.expiresIn ?? 600),
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', ...options.header })
    .sign(key);
}
