import { SERVER_INFO } from './mcp-server.js';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

/**
 * `subscriptions/listen` (2026-07-28) opens a stream for list-changed and resource-updated
 * notifications. This deployment has nothing to push: the catalog only changes with a deploy,
 * and a Lambda cannot hear events of another invocation. Left to the SDK, the stream would stay
 * open until the client leaves, holding a Lambda for up to its timeout per connected client (and,
 * buffered, never answering: the Inspector then hangs waiting for the acknowledgement). So it is
 * acknowledged, honouring none of the requested notification types (`notifications: {}`), and
 * ended at once with the spec's graceful closure (a result): one short invocation per listen.
 */
export function listenAnswer(id: string | number): { statusCode: number; headers: Record<string, string>; body: string } {
  const subscription = { [SUBSCRIPTION_ID]: id };
  const frames = [
    { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: {}, _meta: subscription } },
    { jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { ...subscription, 'io.modelcontextprotocol/serverInfo': SERVER_INFO } } },
  ];
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    body: frames.map((frame) => `event: message\ndata: ${JSON.stringify(frame)}\n\n`).join(''),
  };
}
