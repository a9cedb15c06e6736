import { headerValue } from '../../lib/http/request-body.js';
import { InvalidTokenError } from '../errors.js';
import type { DcrContext } from '../http/context.js';
import { bearerToken, tokenMatchesHash } from '../registration-token.js';

/** When the operator set one, registering takes the initial access token (RFC 7591 §3), compared by its hash. */
export function checkInitialAccessToken(ctx: DcrContext): undefined {
  const expectedHash = ctx.endpoint.initialAccessTokenSha256;
  if (!expectedHash) return undefined;
  const token = bearerToken(headerValue(ctx.event.headers, 'authorization'));
  if (!token || !tokenMatchesHash(token, expectedHash)) {
    throw new InvalidTokenError('This server requires an initial access token (RFC 7591 §3) to register clients', token !== undefined);
  }
  return undefined;
}
