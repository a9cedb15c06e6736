import type { RevocationContext, RevocationDependencies } from './context.js';
import { RevocationRequestError } from './errors.js';

/**
 * Cognito's own revocation only covers refresh tokens, and a revoked access token still verifies,
 * so a valid access token of the pool is recorded by its jti in the revocation table, which the
 * authorizer reads. Access tokens are signed JWTs (three parts); Cognito's refresh tokens are
 * encrypted (five parts), other servers' (cognito-local's) may be signed JWTs too: a token that is
 * not a valid access token goes on to the next step, whatever the hint says (RFC 7009 §2.1: the
 * server searches every token type it supports).
 */
export async function revokeAsAccessToken(ctx: RevocationContext, deps: RevocationDependencies): Promise<'revoked' | undefined> {
  const token = ctx.token!;
  if (token.split('.').length !== 3) return undefined;
  const verified = await deps.verifyAccessToken(token).catch(() => undefined);
  if (!verified) return undefined;
  const clientId = ctx.client!.appClientId;
  if (verified.clientId !== clientId) throw new RevocationRequestError(400, 'unauthorized_client', 'The token was not issued to this client');
  await deps.revocations.revoke({
    kind: 'jti',
    subject: verified.jti,
    expiresAt: verified.exp,
    reason: 'revoked by its client (RFC 7009)',
    revokedBy: clientId,
  });
  return 'revoked';
}
