import { isLoopbackHost } from '../../lib/http/loopback.js';
import { requireLocalStack } from '../../lib/local-only.js';

/**
 * LOCAL_CIMD_ORIGINS: space-separated loopback origins (http or https) whose metadata documents
 * the local stack may fetch despite the SSRF rules, so that tests and developers can publish a
 * CIMD document on this machine. Like the local JWKS mapping (authorizer/local-jwks.ts) it can
 * never be on in a deployed stage: only where the local stack's guard holds (lib/local-only.ts), and only for
 * loopback origins; anything else stops the function at cold start. A listed origin skips only
 * the scheme and address rules; size, time, redirect and content rules still apply.
 */
export const LOCAL_CIMD_VARIABLE = 'LOCAL_CIMD_ORIGINS';
export type LocalCimdOrigins = ReadonlySet<string>;


export function localCimdOrigins(env: Record<string, string | undefined>): LocalCimdOrigins {
  const value = env[LOCAL_CIMD_VARIABLE]?.trim();
  if (!value) return new Set();
  const refuse = requireLocalStack(LOCAL_CIMD_VARIABLE, env);
  const origins = new Set<string>();
  for (const entry of value.split(/\s+/)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return refuse(`"${entry}" is not a URL`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || !isLoopbackHost(url.hostname)) refuse(`"${entry}" is not an http(s) origin on a loopback host`);
    if (url.origin !== entry.replace(/\/$/, '')) refuse(`"${entry}" is not an origin (scheme://host:port)`);
    origins.add(url.origin);
  }
  return origins;
}

export const isLocalCimdOrigin = (origin: string, origins: LocalCimdOrigins | undefined) => origins?.has(origin) ?? false;
