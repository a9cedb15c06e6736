import { z } from 'zod';
import { ConfigurationError, baseUrl, parseConfig, wordList } from '../../lib/config.js';
import { originList } from '../../lib/http/cors.js';
import { SCOPE_NAMES, type ScopeName } from '../../lib/oauth/scopes.js';
import { CHALLENGE_SCOPE, CHALLENGE_VALUE } from './bearer-challenge.js';

/**
 * `MCP_GROUP_SCOPES`: Cognito groups that grant scopes, for pools whose clients cannot ask for
 * custom scopes. Format: `group=scope+scope;group=scope`, e.g. `mcp-admins=admin;editors=read+write`.
 */
export const groupScopeMapping = z.string().transform((value, context) => {
  const mapping: Record<string, ScopeName[]> = {};
  for (const entry of value.split(/[;\s]+/).filter((part) => part.length > 0)) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    const names = match?.[2]?.split(/[+,]/).filter((name) => name.length > 0) ?? [];
    const unknown = names.filter((name) => !(SCOPE_NAMES as readonly string[]).includes(name));
    if (!match || names.length === 0 || unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `"${entry}" is not group=scope[+scope] with scopes among ${SCOPE_NAMES.join(', ')}`,
      });
      return z.NEVER;
    }
    mapping[match[1]!] = [...new Set(names)] as ScopeName[];
  }
  return mapping;
});

const schema = z.object({
  PUBLIC_BASE_URL: baseUrl,
  // Scopes are `{MCP_RESOURCE_URL}/read` etc. and go into challenges as RFC 6750 scope-tokens.
  MCP_RESOURCE_URL: z.url().regex(CHALLENGE_SCOPE, 'must not contain spaces, quotes or backslashes (RFC 6750 scope characters)'),
  MCP_MAX_REQUEST_BYTES: z.coerce.number().int().positive().default(1_048_576),
  MCP_GROUP_SCOPES: groupScopeMapping.default({}),
  /** What DCR may grant a dynamically registered client (the same parameter the registration endpoint reads). */
  DCR_ALLOWED_SCOPES: wordList.pipe(z.array(z.enum(SCOPE_NAMES))).default(['read', 'write']),
  NOTES_TABLE: z.string().min(1).default('notes'),
  REVOCATIONS_TABLE: z.string().min(1).default('revocations'),
  RATE_LIMITS_TABLE: z.string().min(1).default('rate-limits'),
  MCP_RATE_LIMIT: z.coerce.number().int().positive().default(120),
  MCP_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Longest lifetime of an access token of the pool: how long a user revocation must last. */
  MCP_MAX_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().positive().default(86_400),
  /**
   * Key of the input-required round-trip state (base64, at least 32 bytes), shared by every
   * instance. Unset, each container draws its own: a confirmation whose second round lands on
   * another container is then refused (and asked again), never accepted unchecked.
   */
  MCP_REQUEST_STATE_KEY: z
    .preprocess((value) => (value === '' ? undefined : value), z.string().optional())
    .pipe(z.string().optional())
    .transform((value) => (value === undefined ? undefined : Buffer.from(value, 'base64')))
    .refine((key) => key === undefined || key.length >= 32, 'must be at least 32 bytes, base64 encoded (e.g. openssl rand -base64 32)'),
  /** Browser origins allowed to call the MCP endpoint (space separated); none by default. */
  ALLOWED_ORIGINS: originList.default([]),
});

export function loadMcpConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  const resourceMetadataUrl = `${parsed.PUBLIC_BASE_URL}/.well-known/oauth-protected-resource/mcp`;
  if (!CHALLENGE_VALUE.test(resourceMetadataUrl)) {
    // It goes into the 403 challenge as a quoted-string with nothing escaped (bearer-challenge.ts).
    throw new ConfigurationError('Invalid configuration: PUBLIC_BASE_URL: must not contain quotes, backslashes or non-ASCII characters');
  }
  return {
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    resourceUrl: parsed.MCP_RESOURCE_URL,
    resourceMetadataUrl,
    maxRequestBytes: parsed.MCP_MAX_REQUEST_BYTES,
    groupScopes: parsed.MCP_GROUP_SCOPES,
    dcrAllowedScopes: [...new Set(parsed.DCR_ALLOWED_SCOPES)],
    tables: { notes: parsed.NOTES_TABLE, revocations: parsed.REVOCATIONS_TABLE, rateLimits: parsed.RATE_LIMITS_TABLE },
    rateLimit: { limit: parsed.MCP_RATE_LIMIT, windowSeconds: parsed.MCP_RATE_LIMIT_WINDOW_SECONDS },
    maxTokenLifetimeSeconds: parsed.MCP_MAX_TOKEN_LIFETIME_SECONDS,
    allowedOrigins: parsed.ALLOWED_ORIGINS,
    requestStateKey: parsed.MCP_REQUEST_STATE_KEY,
  };
}

export type McpConfig = ReturnType<typeof loadMcpConfig>;
