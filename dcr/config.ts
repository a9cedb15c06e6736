import { z } from 'zod';
import { parseConfig, wordList } from '../lib/config.js';
import { parseScopeNames, fullScopes } from '../lib/oauth/scopes.js';

const schema = z.object({
  USER_POOL_ID: z.string().min(1),
  CLIENTS_TABLE: z.string().min(1),
  RESOURCE_SERVER_ID: z.string().min(1),
  DCR_ALLOWED_SCOPES: wordList.default(['read', 'write']),
  DCR_MAX_BODY_BYTES: z.coerce.number().int().positive().default(16_384),
});

export function loadDcrConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  return {
    userPoolId: parsed.USER_POOL_ID,
    clientsTable: parsed.CLIENTS_TABLE,
    resourceServerId: parsed.RESOURCE_SERVER_ID,
    allowedScopes: fullScopes(parsed.RESOURCE_SERVER_ID, parseScopeNames(parsed.DCR_ALLOWED_SCOPES)),
    maxBodyBytes: parsed.DCR_MAX_BODY_BYTES,
  };
}
