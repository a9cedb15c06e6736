import type { AuthInfo } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '../../../lib/identity.js';

/**
 * The MCP SDK hands `authInfo` to every handler as `ctx.http.authInfo`. The access token itself
 * never reaches the tools (they must not pass it on to other APIs), only the identity the
 * authorizer verified.
 */
export function toAuthInfo(identity: CallerIdentity, resourceUrl: string): AuthInfo {
  return {
    token: '',
    clientId: identity.clientId,
    scopes: identity.scopes,
    expiresAt: identity.expiresAt,
    resource: new URL(resourceUrl),
    extra: { caller: identity },
  };
}

/** The caller of a request, as the authorizer verified it. Throws if the request carried none. */
export function callerOf(http: { authInfo?: AuthInfo | undefined } | undefined): CallerIdentity {
  const caller = http?.authInfo?.extra?.caller as CallerIdentity | undefined;
  if (!caller) throw new Error('Request has no verified caller');
  return caller;
}
