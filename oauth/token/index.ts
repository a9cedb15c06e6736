import { recordAppGrant } from './app-grant.js';
import { authenticateClient } from './client-authentication.js';
import type { TokenContext, TokenDependencies, TokenStep } from './context.js';
import { readClientCredentials } from './credentials.js';
import { readTokenForm } from './form.js';
import { exchangeGrant } from './grant.js';
import { checkGrantType } from './grant-type.js';
import { type TokenOutcome, tokenOutcome } from './outcome.js';

/**
 * POST /token, step by step; each refusal is an OAuthError (RFC 6749 §5.2 JSON, no-store), and the
 * first step that refuses answers. Before any step, token-handler.ts answers OPTIONS (the CORS
 * preflight, any origin); after a refusal, answers.ts turns it into its answer (a 401 challenges
 * Basic, server_error becomes 503 temporarily_unavailable). Round trips: a code with a secret or
 * from a public client reads no client row (its binding carries the client); an assertion,
 * refresh_token and client_credentials read the row once (authenticateClient).
 */
export const TOKEN_STEPS: readonly TokenStep[] = [
  readTokenForm, //         form-encoded, at most 32 KB, UTF-8, each parameter once       -> 400 invalid_request
  checkGrantType, //        present, and one of the three grants                          -> 400 invalid_request | unsupported_grant_type
  readClientCredentials, // exactly one method (Basic, secret, assertion, id alone)       -> 401 invalid_client | 400 invalid_request
  authenticateClient, //    the row read once, an assertion verified (not for a code
  //                        presented without an assertion: its binding knows)            -> 401 invalid_client
  exchangeGrant, //         the grant's own checks, then Cognito                          -> 400 invalid_grant | invalid_target | invalid_scope
  //                                                                                         | unauthorized_client; 401 invalid_client; 503
  recordAppGrant, //        the user's grant to the application (not client_credentials)  -> 400 invalid_grant (access ended) | 503
];

export async function handleTokenRequest(ctx: TokenContext, deps: TokenDependencies): Promise<TokenOutcome> {
  for (const step of TOKEN_STEPS) await step(ctx, deps);
  return tokenOutcome(ctx);
}
