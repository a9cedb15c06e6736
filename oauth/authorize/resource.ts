import { oauthError } from '../errors.js';
import type { AuthorizeContext, AuthorizeDependencies } from './context.js';

/** `https://HOST/mcp/` and `https://host/mcp` name the same resource; nothing else does. */
function sameResource(value: string, resource: string): boolean {
  try {
    const a = new URL(value);
    const b = new URL(resource);
    const path = (url: URL) => url.pathname.replace(/\/+$/, '');
    return a.origin === b.origin && path(a) === path(b) && a.search === '' && a.hash === '' && !a.username && !a.password;
  } catch {
    return false;
  }
}

/**
 * RFC 8707: the only resource this server issues tokens for is its MCP endpoint. Cognito is
 * always asked for it (a client that left it out included), so every new token names its audience.
 */
export function checkResource(ctx: AuthorizeContext, deps: AuthorizeDependencies): void {
  const resource = ctx.params.resource;
  if (resource !== undefined && !sameResource(resource, deps.resource)) {
    throw oauthError('invalid_target', 'This server issues tokens only for its MCP endpoint');
  }
  ctx.resource = deps.resource;
}
