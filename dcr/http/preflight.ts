import { preflightHeaders } from '../../lib/http/cors.js';
import type { DcrContext } from './context.js';

/** OPTIONS: the CORS preflight of an allowed origin (or of none). */
export function answerPreflight(ctx: DcrContext) {
  if (ctx.event.httpMethod !== 'OPTIONS') return undefined;
  return { statusCode: 204, headers: { ...preflightHeaders(ctx.origin!, ctx.endpoint.cors), 'Cache-Control': 'no-store' }, body: '' };
}
