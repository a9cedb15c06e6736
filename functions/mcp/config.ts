import { z } from 'zod';
import { baseUrl, parseConfig } from '../../lib/config.js';
import { originList } from '../../lib/http/cors.js';
import { SCOPE_NAMES, type ScopeName } from '../../lib/oauth/metadata.js';

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
  MCP_RESOURCE_URL: z.url(),
  MCP_MAX_REQUEST_BYTES: z.coerce.number().int().positive().default(1_048_576),
  MCP_GROUP_SCOPES: groupScopeMapping.default({}),
  NOTES_TABLE: z.string().min(1).default('notes'),
  REVOCATIONS_TABLE: z.string().min(1).default('revocations'),
  RATE_LIMITS_TABLE: z.string().min(1).default('rate-limits'),
  MCP_RATE_LIMIT: z.coerce.number().int().positive().default(120),
  MCP_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Longest lifetime of an access token of the pool: how long a user revocation must last. */
  MCP_MAX_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** Browser origins allowed to call the MCP endpoint (space separated); none by default. */
  ALLOWED_ORIGINS: originList.default([]),
});

export function loadMcpConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  return {
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    resourceUrl: parsed.MCP_RESOURCE_URL,
    resourceMetadataUrl: `${parsed.PUBLIC_BASE_URL}/.well-known/oauth-protected-resource/mcp`,
    maxRequestBytes: parsed.MCP_MAX_REQUEST_BYTES,
    groupScopes: parsed.MCP_GROUP_SCOPES,
    tables: { notes: parsed.NOTES_TABLE, revocations: parsed.REVOCATIONS_TABLE, rateLimits: parsed.RATE_LIMITS_TABLE },
    rateLimit: { limit: parsed.MCP_RATE_LIMIT, windowSeconds: parsed.MCP_RATE_LIMIT_WINDOW_SECONDS },
    maxTokenLifetimeSeconds: parsed.MCP_MAX_TOKEN_LIFETIME_SECONDS,
    allowedOrigins: parsed.ALLOWED_ORIGINS,
  };
}

export type McpConfig = ReturnType<typeof loadMcpConfig>;
