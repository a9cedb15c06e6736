import { isLegacyRequest } from '@modelcontextprotocol/server';
import { listenAnswer } from '../protocol/listen.js';
import type { McpRequestContext } from './context.js';

/** The SDK's own routing decision (the body's envelope, not a header): both legs must agree with it. */
export async function decideEra(ctx: McpRequestContext) {
  ctx.era = (await isLegacyRequest(ctx.webRequest(), ctx.message!.message)) ? 'legacy' : 'modern';
  return undefined;
}

/** 2026-07-28 `subscriptions/listen`: answered here (nothing to push, protocol/listen.ts). */
export function answerListen(ctx: McpRequestContext) {
  const message = ctx.message!;
  if (ctx.era !== 'modern' || message.method !== 'subscriptions/listen' || message.isNotification || message.id === null) return undefined;
  return ctx.respond(listenAnswer(message.id));
}
