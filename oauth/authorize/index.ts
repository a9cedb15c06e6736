import { type OAuthError, asOAuthError } from '../errors.js';
import { authorizationResponseUrl } from '../authorization-response.js';
import { findClient } from './client.js';
import { type AuthorizeContext, type AuthorizeDependencies, newContext } from './context.js';
import { needsConsent } from './consent-needed.js';
import { singleValuedParameters } from './parameters.js';
import { checkPkce } from './pkce.js';
import { checkPrompt } from './prompt.js';
import { checkRedirectUri } from './redirect-uri.js';
import { checkResource } from './resource.js';
import { checkResponseMode } from './response-mode.js';
import { checkResponseType } from './response-type.js';
import { checkScope } from './scope.js';
import { checkState, isValidState } from './state.js';

export type AuthorizeCheck = (ctx: AuthorizeContext, deps: AuthorizeDependencies) => void | Promise<void>;

/**
 * GET /authorize, check by check. The order is the contract: until checkRedirectUri has passed,
 * a refusal is an HTML page (the redirect URI may be an attacker's); after it, an error redirect
 * to the client with `state` and `iss`. Each check is small and pure over the context; the only
 * I/O (the client lookup) is behind deps.
 */
export const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  singleValuedParameters, // repeated parameters, oversized query          -> page
  findClient, //             client_id: registered and active              -> page
  checkRedirectUri, //       registered (loopback: any port)               -> page; from here on, redirects
  checkResponseType, //      code                                          -> unsupported_response_type
  checkResponseMode, //      absent | query                                -> invalid_request
  checkPkce, //              S256 and a well-formed challenge              -> invalid_request
  checkScope, //             short or full names, offline_access noted     -> invalid_scope
  checkResource, //          absent, or this MCP endpoint                  -> invalid_target
  checkState, //             optional, bounded, printable                  -> invalid_request
  checkPrompt, //            none -> consent_required when consent is due  -> consent_required
];

export type AuthorizeOutcome =
  | { kind: 'error-page'; error: OAuthError; cause?: unknown }
  | { kind: 'redirect'; location: string; error: OAuthError; cause?: unknown }
  | { kind: 'consent'; ctx: AuthorizeContext }
  | { kind: 'to-cognito'; ctx: AuthorizeContext };

export async function runAuthorize(
  query: Record<string, string[] | undefined>,
  queryLength: number,
  deps: AuthorizeDependencies,
): Promise<AuthorizeOutcome> {
  const ctx = newContext(query, queryLength);
  try {
    for (const check of AUTHORIZE_CHECKS) await check(ctx, deps);
  } catch (cause) {
    const error = asOAuthError(cause);
    if (ctx.redirectUri === undefined) return { kind: 'error-page', error, cause };
    const location = authorizationResponseUrl(
      ctx.redirectUri,
      { error: error.code, errorDescription: error.description },
      // The client's state whichever check failed, unless the state itself is what is wrong.
      isValidState(ctx.params.state) ? ctx.params.state : undefined,
      deps.issuer,
    );
    return { kind: 'redirect', location, error, cause };
  }
  return needsConsent(ctx.client!, ctx.redirectUri!) ? { kind: 'consent', ctx } : { kind: 'to-cognito', ctx };
}
