import type { ClientRegistry } from '../../dcr/client-registry.js';
import { secretsEqual } from '../../dcr/registration-token.js';
import type { RevocationStore } from '../../lib/revocations.js';

/**
 * RFC 7009 token revocation. Cognito's own revocation only covers refresh tokens, and a revoked
 * access token still verifies, so access tokens are recorded by jti in the revocation table
 * (which the authorizer reads) and refresh tokens are forwarded to Cognito's RevokeToken.
 */
export class RevocationRequestError extends Error {
  override readonly name = 'RevocationRequestError';
  constructor(
    readonly status: 400 | 401 | 503,
    readonly code: 'invalid_request' | 'invalid_client' | 'unauthorized_client' | 'unsupported_token_type' | 'temporarily_unavailable',
    description: string,
  ) {
    super(description);
  }
}

export interface VerifiedAccessToken {
  clientId: string;
  jti: string;
  exp: number;
}

export interface RevocationDependencies {
  registry: Pick<ClientRegistry, 'get'>;
  revocations: Pick<RevocationStore, 'revoke'>;
  /** The client's secret in Cognito (undefined for public clients). */
  clientSecret(clientId: string): Promise<string | undefined>;
  /** Resolves for a valid access token of the pool; rejects otherwise. */
  verifyAccessToken(token: string): Promise<VerifiedAccessToken>;
  /** Cognito RevokeToken; resolves 'revoked', 'unknown' (not a token Cognito knows) or 'unsupported'. */
  revokeRefreshToken(token: string, clientId: string, clientSecret?: string): Promise<'revoked' | 'unknown' | 'unsupported'>;
}

export interface RevocationRequest {
  form: URLSearchParams;
  authorization?: string | undefined;
}

function clientCredentials(request: RevocationRequest): { clientId: string; secret?: string } {
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new RevocationRequestError(401, 'invalid_client', 'Malformed Basic client credentials');
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const clientId = request.form.get('client_id');
  if (!clientId) throw new RevocationRequestError(401, 'invalid_client', 'Client authentication is required (client_id)');
  return { clientId, secret: request.form.get('client_secret') ?? undefined };
}

export async function revokeToken(request: RevocationRequest, dependencies: RevocationDependencies): Promise<'revoked' | 'ignored'> {
  const token = request.form.get('token');
  if (!token) throw new RevocationRequestError(400, 'invalid_request', 'token: is required');
  const { clientId, secret } = clientCredentials(request);
  const client = await dependencies.registry.get(clientId);
  if (!client || (client.status !== undefined && client.status !== 'active')) {
    throw new RevocationRequestError(401, 'invalid_client', 'Unknown client');
  }
  let cognitoSecret: string | undefined;
  if (client.tokenEndpointAuthMethod !== 'none') {
    cognitoSecret = await dependencies.clientSecret(clientId);
    if (!secret || !cognitoSecret || !secretsEqual(secret, cognitoSecret)) {
      throw new RevocationRequestError(401, 'invalid_client', 'Client authentication failed');
    }
  }
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
