import type { RevocationContext } from './context.js';

/**
 * What a token of this pool can look like: Cognito's RevokeToken takes tokens matching
 * `[A-Za-z0-9-_=.]+` (its API reference); its JWTs and encrypted refresh tokens are a few kB.
 * Anything else cannot be a token we issued, so it is answered like any unknown token (RFC 7009
 * §2.2: 200) without being verified or sent to Cognito.
 */
export const MAX_TOKEN_LENGTH = 16_384;
const TOKEN_SHAPE = /^[A-Za-z0-9\-_=.]+$/;

export function ignoreForeignToken(ctx: RevocationContext): 'ignored' | undefined {
  const token = ctx.token!;
  return token.length <= MAX_TOKEN_LENGTH && TOKEN_SHAPE.test(token) ? undefined : 'ignored';
}
