import { z } from 'zod';
import { baseUrl, parseConfig } from '../../lib/config.js';

const schema = z.object({
  PUBLIC_BASE_URL: baseUrl,
  MCP_RESOURCE_URL: z.url(),
  MCP_MAX_REQUEST_BYTES: z.coerce.number().int().positive().default(1_048_576),
});

export function loadMcpConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseConfig(schema, env);
  return {
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    resourceUrl: parsed.MCP_RESOURCE_URL,
    maxRequestBytes: parsed.MCP_MAX_REQUEST_BYTES,
  };
}

export type McpConfig = ReturnType<typeof loadMcpConfig>;
