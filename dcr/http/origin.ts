import { checkOrigin } from '../../lib/http/cors.js';
import { jsonResponse } from '../../lib/http/json-response.js';
import { headerValue } from '../../lib/http/request-body.js';
import type { DcrContext } from './context.js';

/** Web pages of unknown origins may not register or manage clients from a visitor's browser (allowedOrigins). */
export function checkRequestOrigin(ctx: DcrContext) {
  const origin = checkOrigin(headerValue(ctx.event.headers, 'origin'), ctx.endpoint.cors);
  if (origin.kind === 'refused') {
    return jsonResponse(403, { error: 'access_denied', error_description: 'Requests from this origin are not allowed' });
  }
  ctx.origin = origin;
  return undefined;
}
