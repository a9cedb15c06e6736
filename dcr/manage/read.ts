import { jsonResponse } from '../../lib/http/json-response.js';
import type { DcrContext } from '../http/context.js';
import { registrationResponse } from '../registration-response.js';

/** GET: the registration as RFC 7592 §3 shows it (never a secret, never the token). */
export function answerRead(ctx: DcrContext) {
  if (ctx.event.httpMethod !== 'GET') return undefined;
  return jsonResponse(200, registrationResponse(ctx.record!, ctx.endpoint.policy));
}
