import { secretsEqual } from '../../dcr/registration-token.js';
import type { RevocationContext, RevocationDependencies } from './context.js';
import { RevocationRequestError } from './errors.js';

/**
 * A client with a secret (or an operator row recording no method): Cognito holds the secret, so it
 * is read from Cognito (DescribeUserPoolClient) and compared here in constant time. Clients
 * without one (public, private_key_jwt) were authenticated by the step before.
 */
export async function compareClientSecret(ctx: RevocationContext, deps: RevocationDependencies): Promise<undefined> {
  const { client, secret } = ctx;
  if (client!.registeredMethod === 'none' || client!.registeredMethod === 'private_key_jwt') return undefined;
  // A CIMD client's tokens are its app client's.
  ctx.cognitoSecret = await deps.clientSecret(client!.appClientId);
  if (!secret || !ctx.cognitoSecret || !secretsEqual(secret, ctx.cognitoSecret)) {
    throw new RevocationRequestError(401, 'invalid_client', 'Client authentication failed', ctx.challenge);
  }
  return undefined;
}
