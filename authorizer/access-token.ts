import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwksNotAvailableInCacheError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { CallerIdentity } from '../lib/identity.js';
import type { AuthorizerConfig } from './config.js';
import { Denial } from './denial.js';
import { localJwksFetcher } from './local-jwks.js';

/** A verified access token: the caller, and what revocation is checked against. */
export interface VerifiedToken {
  identity: CallerIdentity;
  /** The refresh token family (Cognito's `origin_jti`), when the token carries one. */
  originJti: string | undefined;
  /** When the user authenticated (`auth_time`, else `iat`), epoch seconds: user revocation compares it. */
  authenticatedAt: number;
}

/** Resolves to the verified token; rejects (aws-jwt-verify error or Denial) otherwise. Makes no DynamoDB call. */
export type AccessTokenVerifier = (token: string) => Promise<VerifiedToken>;

export interface AccessTokenVerifierHandle {
  verify: AccessTokenVerifier;
  /** Downloads the JWKS ahead of the first request (cold start). */
  hydrate(): Promise<void>;
}

/**
 * aws-jwt-verify checks the RS256 signature against the pool's JWKS (fetched once, then cached per
 * container; an unknown `kid` triggers at most one refetch per wait period), the issuer, `exp` and
 * `nbf` (with the clock-skew allowance) and `token_use=access`. The checks after it are ours.
 */
export function createAccessTokenVerifier(
  config: Pick<AuthorizerConfig, 'userPoolId' | 'resourceUrl' | 'clockSkewSeconds' | 'localJwksOrigin'>,
  jwksCache = config.localJwksOrigin ? new SimpleJwksCache({ fetcher: localJwksFetcher(config.localJwksOrigin) }) : undefined,
): AccessTokenVerifierHandle {
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'access', clientId: null, graceSeconds: config.clockSkewSeconds },
    jwksCache ? { jwksCache } : undefined,
  );
  return {
    async verify(token) {
      let payload: JwtPayload;
      try {
        // Synchronous once the JWKS is cached: a few microseconds less per decision.
        payload = verifier.verifySync(token);
      } catch (error) {
        // Not cached yet, or a kid the cached JWKS lacks (a key rotation): fetch, within the
        // library's wait period between refetches.
        if (!(error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError)) throw error;
        payload = await verifier.verify(token);
      }
      return checkClaims(payload, config, Date.now() / 1000);
    },
    hydrate: () => verifier.hydrate(),
  };
}

const NO_WHITESPACE = /^\S+$/;
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && NO_WHITESPACE.test(value);
const epochSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * Claims the rest of the system relies on, checked after the signature: a token without them is
 * refused even though Cognito signed it. Plain checks (no schema library) keep the hot path cheap.
 */
export function checkClaims(
  payload: JwtPayload,
  config: Pick<AuthorizerConfig, 'resourceUrl' | 'clockSkewSeconds'>,
  nowSeconds: number,
): VerifiedToken {
  const claims = payload as Record<string, unknown>;
  const invalid = (detail: string) => new Denial('invalid_claims', detail);
  if (!nonEmptyString(claims.sub)) throw invalid('sub missing or malformed');
  if (!nonEmptyString(claims.client_id)) throw invalid('client_id missing or malformed');
  if (!nonEmptyString(claims.jti)) throw invalid('jti missing or malformed');
  if (!epochSeconds(claims.exp)) throw invalid('exp missing or malformed');
  if (!epochSeconds(claims.iat)) throw invalid('iat missing or malformed');
  if (claims.iat > nowSeconds + config.clockSkewSeconds) throw new Denial('not_yet_valid', 'iat is in the future');
  if (claims.auth_time !== undefined && !epochSeconds(claims.auth_time)) throw invalid('auth_time malformed');
  if (claims.origin_jti !== undefined && !nonEmptyString(claims.origin_jti)) throw invalid('origin_jti malformed');
  // Tokens of machine clients (client_credentials) have no user; their principal is the client.
  const username = claims.username ?? claims['cognito:username'] ?? claims.client_id;
  if (!nonEmptyString(username)) throw invalid('username malformed');
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw invalid('scope malformed');
  const groups = claims['cognito:groups'] ?? [];
  if (!Array.isArray(groups) || !groups.every(nonEmptyString)) throw invalid('cognito:groups malformed');
  checkAudience(claims.aud, config.resourceUrl);
  return {
    identity: {
      principal: claims.sub,
      authMethod: 'jwt',
      sub: claims.sub,
      username,
      clientId: claims.client_id,
      scopes: ((claims.scope as string | undefined) ?? '').split(' ').filter((scope) => scope.length > 0),
      groups: groups as string[],
      tokenId: claims.jti,
      expiresAt: claims.exp,
      // Until the registry says otherwise (decide-access.ts reads the client's row).
      clientTrust: 'dynamic',
    },
    originJti: claims.origin_jti as string | undefined,
    authenticatedAt: (claims.auth_time as number | undefined) ?? claims.iat,
  };
}

/**
 * Cognito sets `aud` on an access token only when the authorization request named a `resource`
 * (RFC 8707 resource binding); then it must name this MCP server, so a token minted for another API
 * of the pool is refused. The facade always sends this server's resource, so its tokens carry aud.
 * A token without aud stays acceptable: Cognito binds only code (and implicit) grants, so
 * client_credentials and SDK sign-in tokens have none, and their scopes name this server anyway.
 */
function checkAudience(aud: unknown, resourceUrl: string): void {
  if (aud === undefined) return;
  const audiences = Array.isArray(aud) ? aud : [aud];
  const normalise = (value: unknown) => (typeof value === 'string' ? value.replace(/\/+$/, '') : undefined);
  if (!audiences.some((value) => normalise(value) === normalise(resourceUrl))) {
    throw new Denial('wrong_audience', 'aud does not name this MCP server');
  }
}
