import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from './json-response.js';

/** JSON-RPC 2.0 error codes used at the HTTP layer, before a request reaches the MCP server. */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Implementation-defined server error range (-32000 to -32099). */
  ServerError: -32000,
} as const;

/**
 * An HTTP error answered in JSON-RPC form, as MCP clients expect on the MCP endpoint. `id` is the
 * request's when it could be read, else null (JSON-RPC 2.0 §5).
 */
export function jsonRpcErrorResponse(
  statusCode: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  id: string | number | null = null,
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { jsonrpc: '2.0', error: { code, message }, id }, headers);
}
