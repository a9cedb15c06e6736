import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../lib/http/json-response.js';

/** JSON-RPC error code for "authenticated, but not allowed" (implementation-defined server range). */
export const INSUFFICIENT_SCOPE_CODE = -32003;

/**
 * 403 for a tool call whose scope the caller lacks (RFC 6750 §3.1, MCP authorization "scope
 * challenge"). API Gateway renames a WWW-Authenticate header set by a Lambda (it arrives as
 * x-amzn-Remapped-WWW-Authenticate), so the body carries the same challenge in
 * `error.data.www_authenticate`, plus its parts, for clients to read. The header is still set
 * for deployments that put it back (see the README, "Insufficient scope").
 */
export function insufficientScopeResponse(input: {
  id: string | number | null;
  tool: string;
  /** Full scope name, e.g. https://mcp.example.com/mcp/write. */
  requiredScope: string;
  /** What the client should request: the scopes its token has plus the one it lacks. */
  challengeScopes: readonly string[];
  resourceMetadataUrl: string;
}): APIGatewayProxyResult {
  const description = `The tool "${input.tool}" requires the scope ${input.requiredScope}`;
  const challenge =
    `Bearer error="insufficient_scope", scope="${input.challengeScopes.join(' ')}", ` +
    `resource_metadata="${input.resourceMetadataUrl}", error_description="${description}"`;
  return jsonResponse(
    403,
    {
      jsonrpc: '2.0',
      id: input.id,
      error: {
        code: INSUFFICIENT_SCOPE_CODE,
        message: `Insufficient scope: ${description}`,
        data: {
          error: 'insufficient_scope',
          scope: input.challengeScopes.join(' '),
          required_scope: input.requiredScope,
          resource_metadata: input.resourceMetadataUrl,
          www_authenticate: challenge,
        },
      },
    },
    { 'WWW-Authenticate': challenge },
  );
}
