import { type Check, fail, skip } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { MCP_POST_HEADERS, request } from '../http.js';
import { INITIALIZE_REQUEST } from './challenge.js';

/** An origin no deployment allows (`.invalid` is reserved, RFC 2606): the DNS-rebinding probe. */
export const UNKNOWN_ORIGIN = 'https://verify-unknown-origin.invalid';

/** The request headers a browser MCP client asks to send, both protocol eras. */
const BROWSER_REQUEST_HEADERS = ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-method'];

const preflight = (url: string, origin: string) =>
  request(url, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': BROWSER_REQUEST_HEADERS.join(', ') },
  });

const listed = (header: string | null) => (header ?? '').split(',').map((value) => value.trim().toLowerCase()).filter(Boolean);

/**
 * A browser client of an allowed origin can call /mcp: its preflight is answered with its own
 * origin and the MCP headers, and it can read the 401 challenge. The origin is --origin, else the
 * one the gateway's 401 names (a deployment without allowedOrigins names none: nothing to check).
 */
export const allowedOriginCheck: Check<VerifyContext> = {
  id: 'cors-allowed',
  title: 'CORS: an allowed browser origin gets its preflight and can read the 401 challenge',
  needs: ['challenge'],
  async run(context) {
    const origin = context.options.origin ?? context.challenge!.allowedOrigin;
    if (!origin) return skip('no allowed origin given (--origin), and the 401 names none (deployed, it names the first of allowedOrigins)');
    const answer = await preflight(context.target.mcpUrl, origin);
    await answer.body?.cancel();
    if (answer.status >= 300) fail(`preflight from ${origin} answered HTTP ${answer.status}`);
    if (answer.headers.get('access-control-allow-origin') !== origin) {
      fail(`preflight from ${origin} got Access-Control-Allow-Origin ${JSON.stringify(answer.headers.get('access-control-allow-origin'))}`);
    }
    const allowedHeaders = listed(answer.headers.get('access-control-allow-headers'));
    const missing = BROWSER_REQUEST_HEADERS.filter((header) => !allowedHeaders.includes(header));
    if (missing.length) fail(`preflight does not allow the request headers ${missing.join(', ')}`);
    const challenge = await request(context.target.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, Origin: origin },
      body: JSON.stringify(INITIALIZE_REQUEST),
    });
    await challenge.body?.cancel();
    if (challenge.status !== 401) fail(`POST from ${origin} without a token answered HTTP ${challenge.status}, not 401`);
    const challengeOrigin = challenge.headers.get('access-control-allow-origin');
    if (challengeOrigin !== origin) {
      // API Gateway's gateway responses carry one fixed origin: the first of allowedOrigins.
      const hint = challengeOrigin ? ' (a deployed 401 names only the first of allowedOrigins)' : '';
      fail(`the 401 to ${origin} carries Access-Control-Allow-Origin ${JSON.stringify(challengeOrigin)}: the page cannot read the challenge${hint}`);
    }
    if (!listed(challenge.headers.get('access-control-expose-headers')).includes('www-authenticate')) fail('the 401 does not expose WWW-Authenticate (Access-Control-Expose-Headers)');
    return origin;
  },
};

/** The MCP transport's MUST: a request from an origin not allowed is refused with 403 (DNS rebinding). */
export const unknownOriginCheck: Check<VerifyContext> = {
  id: 'cors-refused',
  title: 'CORS: an unknown Origin is refused with 403 on /mcp (preflight)',
  async run(context) {
    const answer = await preflight(context.target.mcpUrl, UNKNOWN_ORIGIN);
    await answer.body?.cancel();
    if (answer.status !== 403) fail(`preflight from ${UNKNOWN_ORIGIN} answered HTTP ${answer.status}, not 403`);
    const allowOrigin = answer.headers.get('access-control-allow-origin');
    if (allowOrigin === '*' || allowOrigin === UNKNOWN_ORIGIN) fail(`the refusal still allows the origin (Access-Control-Allow-Origin: ${allowOrigin})`);
  },
};
