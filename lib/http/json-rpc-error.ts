import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from './json-response.js';

/** JSON-RPC 2.0 error codes used at the HTTP layer, before a request reaches the MCP server. */
export const JsonRpcErrorCode = {
  InvalidRequest: -32600,
  InternalError: -32603,
  /** Implementation-defined server error range (-32000 to -32099). */
  ServerError: -32000,
} as const;

/** An HTTP error answered in JSON-RPC form, as MCP clients expect on the MCP endpoint. */
export function jsonRpcErrorResponse(
  statusCode: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}
