import { type RequestStateCodec, createRequestStateCodec } from '@modelcontextprotocol/server';
import { callerOf } from './caller.js';

export type McpRequestState = RequestStateCodec<Record<string, unknown>>;

/**
 * The codec of the `requestState` a 2026-07-28 input-required result carries to the client and
 * back: HMAC-SHA256 under a key every instance shares (request-state-key.ts), valid five
 * minutes, and bound to the caller (principal and client) and the method, so that a state minted
 * for one user or client is refused for another, and the client can neither forge nor alter it.
 * The SDK refuses a bad state before any handler runs (-32602 "Invalid or expired requestState").
 *
 * The key may be given as a loader: it is then awaited by the first mint or verify, so a
 * container that serves no confirmation never fetches it. A key that cannot be loaded fails that
 * round (mint: the tool does not run; verify: the state is refused), never opens it unchecked.
 */
export function mcpRequestState(key: Uint8Array | (() => Promise<Uint8Array>)): McpRequestState {
  if (key instanceof Uint8Array) return codecWith(key);
  let codec: Promise<McpRequestState> | undefined;
  const ready = () => {
    codec ??= key().then(codecWith, (error: unknown) => {
      codec = undefined;
      throw error;
    });
    return codec;
  };
  return {
    mint: async (payload, context) => (await ready()).mint(payload, context),
    verify: async (state, context) => (await ready()).verify(state, context),
  };
}

function codecWith(key: Uint8Array): McpRequestState {
  return createRequestStateCodec<Record<string, unknown>>({
    key,
    ttlSeconds: 300,
    bind: (context) => {
      const caller = callerOf(context.http);
      return `${caller.principal}\u0000${caller.clientId}\u0000${context.mcpReq.method}`;
    },
  });
}
