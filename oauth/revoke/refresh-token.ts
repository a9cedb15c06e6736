import type { RevocationContext, RevocationDependencies, RevocationOutcome } from './context.js';
import { RevocationRequestError } from './errors.js';

/** Anything else goes to Cognito's RevokeToken as a refresh token of the client's app client, with the secret Cognito holds. */
export async function revokeAsRefreshToken(ctx: RevocationContext, deps: RevocationDependencies): Promise<RevocationOutcome> {
  const outcome = await deps.revokeRefreshToken(ctx.token!, ctx.client!.appClientId, ctx.cognitoSecret);
  if (outcome === 'unsupported') {
    throw new RevocationRequestError(400, 'unsupported_token_type', 'The authorization server cannot revoke this token type');
  }
  return outcome === 'revoked' ? 'revoked' : 'ignored';
}
