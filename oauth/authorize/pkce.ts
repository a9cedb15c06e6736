import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

/**
 * PKCE with S256 is required (OAuth 2.1, MCP). A missing method means `plain` (RFC 7636 §4.3),
 * which is refused. The challenge is passed to Cognito untouched; Cognito checks the verifier.
 */
export function checkPkce(ctx: AuthorizeContext): void {
  const challenge = ctx.params.code_challenge;
  const method = ctx.params.code_challenge_method;
  if (challenge === undefined) throw oauthError('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (method !== 'S256') throw oauthError('invalid_request', 'Only code_challenge_method=S256 is supported');
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    throw oauthError('invalid_request', 'code_challenge must be the 43-character base64url SHA-256 of the verifier');
  }
  ctx.codeChallenge = challenge;
}
