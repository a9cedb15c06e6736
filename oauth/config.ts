import { z } from 'zod';
import { baseUrl, parseConfig, wordList } from '../lib/config.js';
import { localCimdOrigins } from '../dcr/cimd/local-origins.js';
import { loadDcrConfig } from '../dcr/config.js';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PUBLIC_BASE_URL: baseUrl,
  COGNITO_OAUTH_BASE_URL: baseUrl,
  OAUTH_STATE_TABLE: z.string().min(1),
  // Connected apps (lib/app-grants.ts): who granted which application access, and their revocations.
  GRANTS_TABLE: z.string().min(1),
  REVOCATIONS_TABLE: z.string().min(1),
  OAUTH_KEY_SECRET_ID: z.string().min(1),
  // How long a started authorization may take (consent + sign-in) before it must start again.
  AUTHORIZATION_REQUEST_TTL_SECONDS: integer(60, 3600).default(600),
  // How long an authorization code stays redeemable at /token (Cognito's own codes live 5 minutes).
  AUTHORIZATION_CODE_TTL_SECONDS: integer(30, 600).default(300),
  COGNITO_TOKEN_TIMEOUT_MS: integer(500, 9000).default(5000),
  // Client ID Metadata Documents: 'none' turns them off; '*' (or empty) allows any public https host.
  CIMD_ALLOWED_HOSTS: z.string().default('*'),
  CIMD_DENIED_HOSTS: wordList.default([]),
  CIMD_RATE_LIMIT: integer(1, 100_000).default(10),
  CIMD_MAX_DOCUMENT_BYTES: integer(512, 65_536).default(5120),
  CIMD_FETCH_TIMEOUT_MS: integer(500, 8000).default(3000),
  CIMD_CACHE_MIN_SECONDS: integer(60, 86_400).default(300),
  CIMD_CACHE_MAX_SECONDS: integer(300, 604_800).default(86_400),
});

export const CALLBACK_PATH = '/oauth/callback';

export type OAuthConfig = ReturnType<typeof loadOAuthConfig>;

/**
 * The facade's settings. The issuer is the API's public base URL (the metadata's `issuer`, the
 * `iss` of every authorization response); the resource is the MCP endpoint; the callback is the
 * one Cognito callback URL every app client has. Registration settings come from dcr/config.ts.
 */
export function loadOAuthConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  const dcr = loadDcrConfig(env);
  return {
    dcr,
    issuer: parsed.PUBLIC_BASE_URL,
    resource: dcr.resourceServerId,
    cognitoOAuthBaseUrl: parsed.COGNITO_OAUTH_BASE_URL,
    callbackUrl: `${parsed.PUBLIC_BASE_URL}${CALLBACK_PATH}`,
    stateTable: parsed.OAUTH_STATE_TABLE,
    grantsTable: parsed.GRANTS_TABLE,
    revocationsTable: parsed.REVOCATIONS_TABLE,
    keySecretId: parsed.OAUTH_KEY_SECRET_ID,
    requestTtlSeconds: parsed.AUTHORIZATION_REQUEST_TTL_SECONDS,
    codeTtlSeconds: parsed.AUTHORIZATION_CODE_TTL_SECONDS,
    cognitoTokenTimeoutMs: parsed.COGNITO_TOKEN_TIMEOUT_MS,
    cimd: {
      enabled: parsed.CIMD_ALLOWED_HOSTS.trim() !== 'none',
      allowedHosts: parsed.CIMD_ALLOWED_HOSTS.split(/[\s,]+/).filter((host) => host && host !== '*' && host !== 'none'),
      deniedHosts: parsed.CIMD_DENIED_HOSTS,
      // Refused at cold start anywhere but the local stack (dcr/cimd/local-origins.ts).
      localOrigins: localCimdOrigins(env),
      rateLimit: { limit: parsed.CIMD_RATE_LIMIT, windowSeconds: 3600 },
      maxDocumentBytes: parsed.CIMD_MAX_DOCUMENT_BYTES,
      fetchTimeoutMs: parsed.CIMD_FETCH_TIMEOUT_MS,
      cache: { minSeconds: parsed.CIMD_CACHE_MIN_SECONDS, maxSeconds: parsed.CIMD_CACHE_MAX_SECONDS },
    },
  };
}
