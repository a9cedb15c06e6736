import { z } from 'zod';
import { wordList } from '../config.js';

/**
 * CORS with an allow-list of origins. Browsers send `Origin`; a request whose origin is not on
 * the list is refused outright (403) by the endpoints that use this, which is also the
 * DNS-rebinding protection the MCP transport spec asks for. Allowed origins get their own origin
 * echoed back (never `*`) and `Vary: Origin`; credentials (cookies) are never allowed: the API
 * authenticates with bearer tokens. Requests without `Origin` (native clients, servers) are not
 * affected.
 */
export interface CorsPolicy {
  /** Normalised origins (`https://app.example.com`, no path, no trailing slash). */
  allowedOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  /** Response headers a browser client may read (the challenge, rate-limit hints). */
  exposeHeaders: readonly string[];
  maxAgeSeconds: number;
}

/** An origin as configured: scheme://host[:port], nothing else. `*` is refused on purpose. */
export const originSchema = z
  .string()
  .refine((value) => value !== '*', 'A wildcard origin is not allowed: list the origins')
  .transform((value, context) => {
    const origin = normalizeOrigin(value);
    if (!origin || origin !== value.replace(/\/$/, '').toLowerCase()) {
      context.addIssue({ code: 'custom', message: `"${value}" is not an origin such as https://app.example.com` });
      return z.NEVER;
    }
    return origin;
  });

/** `scheme://host[:port]` in lower case, or undefined if the value is not an http(s) origin. */
export function normalizeOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The allowedOrigins setting as the environment carries it: origins separated by spaces or commas. */
export const originList = wordList.pipe(z.array(originSchema));

export type OriginDecision = { kind: 'no-origin' } | { kind: 'allowed'; origin: string } | { kind: 'refused' };

export function checkOrigin(origin: string | undefined, policy: Pick<CorsPolicy, 'allowedOrigins'>): OriginDecision {
  if (origin === undefined) return { kind: 'no-origin' };
  const normalized = normalizeOrigin(origin);
  // `null` (sandboxed frames, file://) and anything malformed are refused like unknown origins.
  if (normalized && policy.allowedOrigins.includes(normalized)) return { kind: 'allowed', origin: normalized };
  return { kind: 'refused' };
}

/** Headers for an actual (non-preflight) response. Empty unless the origin is allowed. */
export function corsHeaders(decision: OriginDecision, policy: CorsPolicy): Record<string, string> {
  if (decision.kind !== 'allowed') return {};
  return {
    'Access-Control-Allow-Origin': decision.origin,
    'Access-Control-Expose-Headers': policy.exposeHeaders.join(', '),
    Vary: 'Origin',
  };
}

/** Headers for a preflight (OPTIONS) response. Empty unless the origin is allowed. */
export function preflightHeaders(decision: OriginDecision, policy: CorsPolicy): Record<string, string> {
  if (decision.kind !== 'allowed') return {};
  return {
    ...corsHeaders(decision, policy),
    'Access-Control-Allow-Methods': policy.allowMethods.join(', '),
    'Access-Control-Allow-Headers': policy.allowHeaders.join(', '),
    'Access-Control-Max-Age': String(policy.maxAgeSeconds),
  };
}

/** The policy of the registration endpoints (RFC 7591 /register, RFC 7592 /register/{client_id}). */
export function registrationCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  return {
    allowedOrigins,
    allowMethods: ['POST', 'GET', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept'],
    exposeHeaders: ['WWW-Authenticate', 'Retry-After'],
    maxAgeSeconds: 600,
  };
}

/** The policy of the MCP endpoint. */
export function mcpCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  return {
    allowedOrigins,
    allowMethods: ['POST', 'OPTIONS'],
    // Mcp-Method and Mcp-Name: the standard headers of 2026-07-28 requests (no tool here declares Mcp-Param-* headers).
    allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Mcp-Session-Id', 'Last-Event-ID'],
    exposeHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAgeSeconds: 600,
  };
}
