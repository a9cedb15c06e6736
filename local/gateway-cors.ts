import { type CorsPolicy, mcpCorsPolicy, normalizeOrigin } from '../lib/http/cors.js';
import type { ResolvedService } from './service-definition.js';

/**
 * The CORS policy the local proxy applies to the gateway's own 401/403 answers: the MCP
 * function's ALLOWED_ORIGINS (serverless.yml `allowedOrigins`), so that a browser client can
 * read the challenge, exactly as the MCP handler decides for its own answers.
 */
export function gatewayCorsPolicy(service: ResolvedService): CorsPolicy {
  const configured = service.functionEnvironments?.mcp?.ALLOWED_ORIGINS ?? '';
  const origins = configured
    .split(/[\s,]+/)
    .map((value) => normalizeOrigin(value))
    .filter((origin): origin is string => origin !== undefined);
  return mcpCorsPolicy(origins);
}
