import {
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
} from 'aws-jwt-verify/error';
import { verifyJwtSync } from 'aws-jwt-verify/jwt-verifier';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm, type ClientKeys, type PublicJwk } from '../../dcr/cimd/client-keys.js';
import type { JwksCache } from './jwks-cache.js';
import type { UsedAssertions } from './jti-store.js';

/**
 * An RFC 7523 client assertion (private_key_jwt), verified: signed with RS256 or ES256 (never
 * `none`, never an HMAC keyed with a public key) by a key of the client's JWK Set; iss = sub = the
 * client id; aud naming this authorization server (its issuer or the endpoint URL); exp present and
 * at most five minutes ahead; a jti not seen before from this client. The signature check itself
 * is aws-jwt-verify's (already the authorizer's verifier, so no new dependency in the bundles).
 */
export const CLOCK_SKEW_SECONDS = 60;
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const KEY_TYPE: Record<AssertionAlgorithm, PublicJwk['kty']> = { RS256: 'RSA', ES256: 'EC' };

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export interface AssertionDependencies {
  jwks: JwksCache;
  usedAssertions: UsedAssertions;
  now?: () => number;
}

const refuse = (description: string): never => {
  throw new AssertionError(description);
};

function header(assertion: string): { alg: AssertionAlgorithm; kid: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(assertion.split('.')[0]!, 'base64url').toString('utf8'));
  } catch {
    return refuse('client_assertion has no readable JOSE header');
  }
  if (typeof value !== 'object' || value === null) return refuse('client_assertion has no readable JOSE header');
  const { alg, kid, crit } = value as Record<string, unknown>;
  if (!(ASSERTION_ALGORITHMS as readonly unknown[]).includes(alg)) return refuse(`client_assertion must be signed with ${ASSERTION_ALGORITHMS.join(' or ')}`);
  if (crit !== undefined) return refuse('client_assertion names critical header parameters this server does not understand');
  if (kid !== undefined && typeof kid !== 'string') return refuse('client_assertion has an invalid kid');
  return { alg: alg as AssertionAlgorithm, kid };
}

/** What failed, by aws-jwt-verify's error classes, most specific first (instanceof: minifying renames classes). */
function verificationFailure(error: unknown): string {
  if (error instanceof JwtInvalidSignatureError) return 'has a signature that does not verify with the client\'s key';
  if (error instanceof JwtInvalidSignatureAlgorithmError) return 'is signed with an algorithm its key does not allow';
  if (error instanceof JwtInvalidIssuerError) return 'must have the client id as iss';
  if (error instanceof JwtInvalidAudienceError) return 'must name this authorization server (its issuer or this endpoint) as aud';
  if (error instanceof JwtExpiredError) return 'has expired';
  if (error instanceof JwtNotBeforeError) return 'is not valid yet (nbf)';
  return 'is not a valid signed JWT';
}

function signingKey(keys: readonly PublicJwk[], alg: AssertionAlgorithm, kid: string | undefined): PublicJwk {
  const key = kid !== undefined ? keys.find((candidate) => candidate.kid === kid) : keys.length === 1 ? keys[0] : undefined;
  // (The kid is the client's text: it is not repeated back.)
  if (!key) return refuse(kid !== undefined ? "The client's keys have no key with the assertion's kid" : 'client_assertion names no kid and the client has several keys');
  if (key.kty !== KEY_TYPE[alg] || (key.alg !== undefined && key.alg !== alg)) return refuse(`The client's key with the assertion's kid is not a key for ${alg}`);
  return key;
}

export async function verifyClientAssertion(
  assertion: string,
  expected: { clientId: string; keys: ClientKeys; audiences: readonly string[] },
  deps: AssertionDependencies,
): Promise<void> {
  const { alg, kid } = header(assertion);
  const jwks = 'jwks' in expected.keys ? expected.keys.jwks : await deps.jwks(expected.keys.jwksUri, kid);
  const key = signingKey(jwks.keys, alg, kid);
  const now = deps.now?.() ?? Math.floor(Date.now() / 1000);
  let claims: Record<string, unknown>;
  try {
    claims = verifyJwtSync(assertion, key, { issuer: expected.clientId, audience: [...expected.audiences], graceSeconds: CLOCK_SKEW_SECONDS });
  } catch (error) {
    // Our own words, never aws-jwt-verify's messages, which quote the assertion's claims.
    return refuse(`client_assertion ${verificationFailure(error)}`);
  }
  if (claims.sub !== expected.clientId) refuse('client_assertion: sub must be the client id');
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return refuse('client_assertion has no exp');
  if (exp < now - CLOCK_SKEW_SECONDS) refuse('client_assertion has expired');
  if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) refuse(`client_assertion must expire within ${MAX_ASSERTION_LIFETIME_SECONDS} seconds`);
  if (typeof claims.iat === 'number' && claims.iat > now + CLOCK_SKEW_SECONDS) refuse('client_assertion was issued in the future');
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return refuse('client_assertion has no jti (at most 256 characters)');
  if (!(await deps.usedAssertions.use(expected.clientId, jti, Math.ceil(exp) + CLOCK_SKEW_SECONDS))) refuse('client_assertion was already used (jti)');
}
