import { authenticateClient, readClientCredentials } from './client-authentication.js';
import { compareClientSecret } from './client-secret.js';
import type { RevocationContext, RevocationDependencies, RevocationOutcome, RevocationStep } from './context.js';
import { revokeAsAccessToken } from './access-token.js';
import { revokeAsRefreshToken } from './refresh-token.js';
import { readForm, requireToken } from './revocation-request.js';
import { ignoreForeignToken } from './token-shape.js';

export { RevocationRequestError } from './errors.js';

/**
 * POST /revoke (RFC 7009), step by step. A refusal is a RevocationRequestError (RFC 7009 §2.2.1's
 * JSON; a 401 for a client that tried HTTP Basic challenges Basic), answered by revoke-handler.ts,
 * which answers anything unexpected 503. A step may end the request: a token that cannot be ours,
 * or an access token recorded, is answered 200 without the steps after it.
 */
export const REVOKE_STEPS: readonly RevocationStep[] = [
  readForm, //              form-encoded, at most 32 KB, UTF-8, each parameter once  -> 413 | 400 invalid_request
  requireToken, //          token present                                            -> 400 invalid_request
  readClientCredentials, // exactly one method (Basic, secret, assertion, id alone)  -> 401 invalid_client | 400 invalid_request
  authenticateClient, //    the client's row read once, an assertion verified        -> 401 invalid_client
  compareClientSecret, //   a secret: equal to the one Cognito holds                 -> 401 invalid_client
  ignoreForeignToken, //    not the shape of a token of this pool                    -> 200, nothing verified or sent
  revokeAsAccessToken, //   a valid access token of the pool: its jti recorded       -> 400 unauthorized_client (another client's) | 200
  revokeAsRefreshToken, //  else Cognito RevokeToken                                 -> 400 unsupported_token_type | 200
];

export async function revokeToken(ctx: RevocationContext, deps: RevocationDependencies): Promise<RevocationOutcome> {
  for (const step of REVOKE_STEPS) {
    const outcome = await step(ctx, deps);
    if (outcome) return outcome;
  }
  // revokeAsRefreshToken always ends the request.
  throw new Error('No step of /revoke answered the request');
}
