import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../../lib/http/json-response.js';
import { bearerChallenge } from './bearer-challenge.js';
import type { CallKind } from '../protocol/json-rpc-message.js';

/** JSON-RPC error code for "authenticated, but not allowed" (implementation-defined server range). */
export const INSUFFICIENT_SCOPE_CODE = -32003;

/**
 * How to answer a caller that lacks a tool's scope (decided by policy/scopes.ts, scopeRefusal):
 * challenge it to step up to scopes its client can be granted, or, when signing in again cannot
 * get it the scope, refuse without inviting a re-authorization and say what would help.
 */
export type ScopeRefusal =
  | { kind: 'step_up'; challengeScopes: readonly string[] }
  | { kind: 'not_grantable'; reason: 'dynamic_client'; grantable: readonly string[] }
  | { kind: 'not_grantable'; reason: 'api_key' }
  | { kind: 'not_grantable'; reason: 'group_required' };

/**
 * 403 for a call (tool, resource, prompt) whose scope the caller lacks (RFC 6750 §3.1, MCP authorization "scope
 * challenge"). API Gateway renames a WWW-Authenticate header set by a Lambda (it arrives as
 * x-amzn-Remapped-WWW-Authenticate), so the body carries the same challenge in
 * `error.data.www_authenticate`, plus its parts, for clients to read. The header is still set
 * for deployments that put it back (see the README, "Insufficient scope").
 *
 * A refusal that no new sign-in can lift carries no challenge at all, in no header and not in the
 * body: MCP clients (the SDK's, mcp-remote) re-authorize on any 403 whose challenge says
 * insufficient_scope, and the browser they open would end in Cognito's invalid_scope.
 */
export function insufficientScopeResponse(input: {
  id: string | number | null;
  /** What the request calls: a tool, a resource (by its template's name) or a prompt. */
  target: { kind: CallKind; name: string };
  /** Full scope name, e.g. https://mcp.example.com/mcp/write. */
  requiredScope: string;
  resourceMetadataUrl: string;
  refusal: ScopeRefusal;
}): APIGatewayProxyResult {
  const description = `The ${input.target.kind} ${input.target.name} requires the scope ${input.requiredScope}`;
  const refusal = input.refusal;
  if (refusal.kind === 'not_grantable') {
    const remedy =
      refusal.reason === 'api_key'
        ? 'which this API key does not carry. Ask the operator for an API key with it (npm run admin -- api-key create --scopes ...)'
        : refusal.reason === 'group_required'
          ? 'which is granted only through membership of a Cognito group mapped to it (the mcpGroupScopes parameter). Signing in again will not help: ask the operator to add you to that group'
          : `which a client that registered itself cannot be granted (such clients may be granted: ${refusal.grantable.join(' ') || 'nothing'}). ` +
          'Signing in again will not help: connect with an app client the operator registered for this server (npm run admin -- client register)';
    return jsonResponse(403, {
      jsonrpc: '2.0',
      id: input.id,
      error: {
        code: INSUFFICIENT_SCOPE_CODE,
        message: `Insufficient scope: ${description}, ${remedy}.`,
        data: { error: 'insufficient_scope', required_scope: input.requiredScope, step_up: false, reason: refusal.reason },
      },
    });
  }
  const scope = refusal.challengeScopes.join(' ');
  const challenge = bearerChallenge({
    error: 'insufficient_scope',
    scope,
    resource_metadata: input.resourceMetadataUrl,
    error_description: description,
  });
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
          scope,
          required_scope: input.requiredScope,
          resource_metadata: input.resourceMetadataUrl,
          www_authenticate: challenge,
        },
      },
    },
    { 'WWW-Authenticate': challenge },
  );
}
