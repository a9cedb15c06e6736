import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { z } from 'zod';
import type { CallerIdentity } from '../lib/identity.js';
import type { AuthorizerConfig } from './config.js';
import { localJwksFetcher } from './local-jwks.js';

/** Resolves to the caller when the token is a valid access token of the pool; rejects otherwise. */
export type AccessTokenVerifier = (token: string) => Promise<CallerIdentity>;

const noWhitespace = z.string().min(1).regex(/^\S+$/);

// Claims the rest of the system relies on; a token without them is refused even if signed.
const accessTokenClaims = z.object({
  sub: z.string().min(1),
  username: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().optional(),
  'cognito:groups': z.array(noWhitespace).optional(),
  jti: z.string().min(1),
  exp: z.number().int(),
});

/**
 * aws-jwt-verify checks the signature against the pool's JWKS (fetched once, then cached per
 * container), the algorithm, `iss`, `exp`/`nbf` and `token_use=access`.
 */
export function createAccessTokenVerifier(config: AuthorizerConfig): AccessTokenVerifier {
  const jwksCache = config.localJwksOrigin
    ? new SimpleJwksCache({ fetcher: localJwksFetcher(config.localJwksOrigin) })
    : undefined;
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'access', clientId: null },
    jwksCache ? { jwksCache } : undefined,
  );
  return async (token) => identityFromClaims(await verifier.verify(token));
}

export function identityFromClaims(payload: unknown): CallerIdentity {
  const claims = accessTokenClaims.parse(payload);
  return {
    principal: claims.sub,
    authMethod: 'jwt',
    sub: claims.sub,
    username: claims.username,
    clientId: claims.client_id,
    scopes: (claims.scope ?? '').split(' ').filter((scope) => scope.length > 0),
    groups: claims['cognito:groups'] ?? [],
    tokenId: claims.jti,
    expiresAt: claims.exp,
  };
}
