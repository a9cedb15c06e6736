import { z } from 'zod';
import { baseUrl, parseConfig, wordList } from '../lib/config.js';
import type { MetadataSettings } from './metadata.js';
import { parseScopeNames } from '../lib/oauth/scopes.js';

const schema = z.object({
  PUBLIC_BASE_URL: baseUrl,
  COGNITO_OAUTH_BASE_URL: baseUrl,
  RESOURCE_SERVER_ID: z.string().min(1),
  DCR_ALLOWED_SCOPES: wordList.default(['read', 'write']),
  DCR_ALLOW_CLIENT_CREDENTIALS: z.enum(['true', 'false']).default('false'),
  COGNITO_JWKS_URL: z.url().optional(),
  CIMD_ALLOWED_HOSTS: z.string().default('*'),
});

export function loadMetadataSettings(env: Record<string, string | undefined> = process.env): MetadataSettings {
  const parsed = parseConfig(schema, env);
  return {
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    cognitoOAuthBaseUrl: parsed.COGNITO_OAUTH_BASE_URL,
    resourceServerId: parsed.RESOURCE_SERVER_ID,
    clientScopes: parseScopeNames(parsed.DCR_ALLOWED_SCOPES),
    clientCredentialsEnabled: parsed.DCR_ALLOW_CLIENT_CREDENTIALS === 'true',
    jwksUri: parsed.COGNITO_JWKS_URL,
    clientIdMetadataDocuments: parsed.CIMD_ALLOWED_HOSTS.trim() !== 'none',
  };
}
