import { secretsEqual } from '../../dcr/registration-token.js';
import type { RevocationStore } from '../../lib/revocations.js';
import {
  type RevocationAuthenticationDependencies,
  type RevocationForm,
  authenticateRevocationClient,
  revocationCredentials,
} from './client-authentication.js';
import { BASIC_CHALLENGE, RevocationRequestError } from './errors.js';

export { RevocationRequestError } from './errors.js';

/**
 * RFC 7009 token revocation. Cognito's own revocation only covers refresh tokens, and a revoked
 * access token still verifies, so access tokens are recorded by jti in the revocation table
 * (which the authorizer reads) and refresh tokens are forwarded to Cognito's RevokeToken.
 */
export interface VerifiedAccessToken {
  clientId: string;
  jti: string;
  exp: number;
}

export interface RevocationDependencies extends RevocationAuthenticationDependencies {
  revocations: Pick<RevocationStore, 'revoke'>;
  /** The client's secret in Cognito (undefined for public clients). */
  clientSecret(clientId: string): Promise<string | undefined>;
  /** Resolves for a valid access token of the pool; rejects otherwise. */
  verifyAccessToken(token: string): Promise<VerifiedAccessToken>;
  /** Cognito RevokeToken; resolves 'revoked', 'unknown' (not a token Cognito knows) or 'unsupported'. */
  revokeRefreshToken(token: string, clientId: string, clientSecret?: string): Promise<'revoked' | 'unknown' | 'unsupported'>;
}

export interface RevocationRequest {
  form: RevocationForm;
  authorization?: string | undefined;
}

/**
 * What a token of this pool can look like: Cognito's RevokeToken takes tokens matching
 * `[A-Za-z0-9-_=.]+` (its API reference); its JWTs and encrypted refresh tokens are a few kB.
 * Anything else cannot be a token we issued, so it is answered like any unknown token (RFC 7009
 * §2.2: 200) without being verified or sent to Cognito.
 */
export const MAX_TOKEN_LENGTH = 16_384;
const TOKEN_SHAPE = /^[A-Za-z0-9\-_=.]+$/;
const couldBeOurToken = (token: string) => token.length <= MAX_TOKEN_LENGTH && TOKEN_SHAPE.test(token);

export async function revokeToken(request: RevocationRequest, dependencies: RevocationDependencies): Promise<'revoked' | 'ignored'> {
  const token = request.form.token;
  if (!token) throw new RevocationRequestError(400, 'invalid_request', 'token: is required');
  const presented = revocationCredentials(request.authorization, request.form);
  const challenge = presented.method === 'client_secret_basic' ? BASIC_CHALLENGE : undefined;
  const { client, secret } = await authenticateRevocationClient(presented, dependencies);
  // A CIMD client's tokens are its app client's.
  const clientId = client.appClientId;
  let cognitoSecret: string | undefined;
  // A client with a secret (or an operator row recording no method): the secret is Cognito's to compare.
  if (client.registeredMethod !== 'none' && client.registeredMethod !== 'private_key_jwt') {
    cognitoSecret = await dependencies.clientSecret(clientId);
    if (!secret || !cognitoSecret || !secretsEqual(secret, cognitoSecret)) {
      throw new RevocationRequestError(401, 'invalid_client', 'Client authentication failed', challenge);
    }
  }
  if (!couldBeOurToken(token)) return 'ignored';
  // Access tokens are signed JWTs (three parts); Cognito's refresh tokens are encrypted (five parts),
  // other servers' (cognito-local's) may be signed JWTs too. A token that is not a valid access token
  // is tried as a refresh token: the server must search every token type it supports (RFC 7009
  // §2.1), whatever the hint says.
  const verified =
    token.split('.').length === 3 ? await dependencies.verifyAccessToken(token).catch(() => undefined) : undefined;
  if (verified) {
    if (verified.clientId !== clientId) {
      throw new RevocationRequestError(400, 'unauthorized_client', 'The token was not issued to this client');
    }
    await dependencies.revocations.revoke({
      kind: 'jti',
      subject: verified.jti,
      expiresAt: verified.exp,
      reason: 'revoked by its client (RFC 7009)',
      revokedBy: clientId,
    });
    return 'revoked';
  }
  const outcome = await dependencies.revokeRefreshToken(token, clientId, cognitoSecret);
  if (outcome === 'unsupported') {
    throw new RevocationRequestError(400, 'unsupported_token_type', 'The authorization server cannot revoke this token type');
  }
  return outcome === 'revoked' ? 'revoked' : 'ignored';
}
