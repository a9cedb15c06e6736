import { z } from 'zod';
import { baseUrl, parseConfig, wordList } from '../lib/config.js';
import { originList } from '../lib/http/cors.js';
import { parseScopeNames, fullScopes } from '../lib/oauth/scopes.js';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/i, 'must be a SHA-256 hash in hex').transform((value) => value.toLowerCase());

/** Every registration setting an operator can change (serverless.yml params → environment). */
const schema = z.object({
  USER_POOL_ID: z.string().min(1),
  CLIENTS_TABLE: z.string().min(1),
  RESOURCE_SERVER_ID: z.string().min(1),
  PUBLIC_BASE_URL: baseUrl,
  RATE_LIMITS_TABLE: z.string().min(1),
  DCR_ALLOWED_SCOPES: wordList.default(['read', 'write']),
  // Browser origins that may register (the same allow-list as /mcp); others get 403.
  ALLOWED_ORIGINS: originList.default([]),
  DCR_MAX_BODY_BYTES: integer(1024, 65_536).default(16_384),
  DCR_ALLOW_CLIENT_CREDENTIALS: flag.default(false),
  // '*' (the serverless.yml default) or nothing: https redirect URIs may use any host.
  DCR_REDIRECT_HOSTS: wordList.transform((hosts) => hosts.filter((host) => host !== '*')).default([]),
  DCR_IDENTITY_PROVIDERS: wordList.pipe(z.array(z.string()).min(1)).default(['COGNITO']),
  DCR_ACCESS_TOKEN_MINUTES: integer(5, 1440).default(60),
  DCR_REFRESH_TOKEN_DAYS: integer(1, 3650).default(30),
  DCR_REFRESH_TOKEN_ROTATION: flag.default(true),
  // Cognito's RefreshTokenRotation.RetryGracePeriodSeconds: 0 to 60 (0 = a refresh token works once).
  DCR_ROTATION_GRACE_SECONDS: integer(0, 60).default(60),
  DCR_RATE_LIMIT: integer(1, 100_000).default(10),
  DCR_RATE_LIMIT_WINDOW_SECONDS: integer(1, 86_400).default(3600),
  DCR_MAX_CLIENTS: integer(1, 10_000).default(800),
  DCR_IDEMPOTENCY_SECONDS: integer(0, 86_400).default(600),
  // Empty = registration is open (the MCP default); otherwise the SHA-256 of the token clients must send.
  DCR_INITIAL_ACCESS_TOKEN_SHA256: z.union([z.literal(''), z.literal('none'), sha256Hex]).default(''),
});

export type DcrConfig = ReturnType<typeof loadDcrConfig>;

export function loadDcrConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  return {
    userPoolId: parsed.USER_POOL_ID,
    clientsTable: parsed.CLIENTS_TABLE,
    rateLimitsTable: parsed.RATE_LIMITS_TABLE,
    resourceServerId: parsed.RESOURCE_SERVER_ID,
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    allowedScopes: fullScopes(parsed.RESOURCE_SERVER_ID, parseScopeNames(parsed.DCR_ALLOWED_SCOPES)),
    maxBodyBytes: parsed.DCR_MAX_BODY_BYTES,
    allowedOrigins: parsed.ALLOWED_ORIGINS,
    allowClientCredentials: parsed.DCR_ALLOW_CLIENT_CREDENTIALS,
    httpsHosts: parsed.DCR_REDIRECT_HOSTS,
    appClientSettings: {
      // The facade's callback: the one Cognito callback URL of every app client (oauth/config.ts).
      callbackUrl: `${parsed.PUBLIC_BASE_URL}/oauth/callback`,
      identityProviders: parsed.DCR_IDENTITY_PROVIDERS,
      accessTokenMinutes: parsed.DCR_ACCESS_TOKEN_MINUTES,
      refreshTokenDays: parsed.DCR_REFRESH_TOKEN_DAYS,
      refreshTokenRotation: parsed.DCR_REFRESH_TOKEN_ROTATION,
      rotationGraceSeconds: parsed.DCR_ROTATION_GRACE_SECONDS,
    },
    rateLimit: { limit: parsed.DCR_RATE_LIMIT, windowSeconds: parsed.DCR_RATE_LIMIT_WINDOW_SECONDS },
    maxClients: parsed.DCR_MAX_CLIENTS,
    idempotencySeconds: parsed.DCR_IDEMPOTENCY_SECONDS,
    initialAccessTokenSha256:
      parsed.DCR_INITIAL_ACCESS_TOKEN_SHA256 === 'none' ? undefined : parsed.DCR_INITIAL_ACCESS_TOKEN_SHA256 || undefined,
  };
}

/** The hourly clean-up's own settings (dcr/cleanup-handler.ts), beside the registration settings. */
export function loadCleanupSettings(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(
    z.object({
      DCR_UNUSED_CLIENT_DAYS: integer(1, 3650).default(90),
      DCR_NEVER_USED_CLIENT_HOURS: integer(1, 87_600).default(24),
    }),
    env,
  );
  return { unusedDays: parsed.DCR_UNUSED_CLIENT_DAYS, neverUsedHours: parsed.DCR_NEVER_USED_CLIENT_HOURS };
}
