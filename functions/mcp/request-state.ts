import { type RequestStateCodec, createRequestStateCodec } from '@modelcontextprotocol/server';
import { callerOf } from './caller.js';

export type McpRequestState = RequestStateCodec<Record<string, unknown>>;

/**
 * The codec of the `requestState` a 2026-07-28 input-required result carries to the client and
 * back: HMAC-SHA256 under a key every instance shares (config MCP_REQUEST_STATE_KEY), valid five
 * minutes, and bound to the caller (principal and client) and the method, so that a state minted
 * for one user or client is refused for another, and the client can neither forge nor alter it.
 * The SDK refuses a bad state before any handler runs (-32602 "Invalid or expired requestState").
 */
export function mcpRequestState(key: Uint8Array): McpRequestState {
  return createRequestStateCodec<Record<string, unknown>>({
    key,
    ttlSeconds: 300,
    bind: (context) => {
      const caller = callerOf(context.http);
      return `${caller.principal}\u0000${caller.clientId}\u0000${context.mcpReq.method}`;
    },
  });
}
