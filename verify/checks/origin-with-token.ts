import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { MCP_POST_HEADERS, request } from '../http.js';
import { INITIALIZE_REQUEST } from './challenge.js';
import { UNKNOWN_ORIGIN } from './cors.js';

/** With a valid token too, a request from an unknown origin is refused (MCP transport: 403, DNS rebinding). */
export const originWithTokenCheck: Check<VerifyContext> = {
  id: 'origin-with-token',
  title: 'An unknown Origin is refused with 403 on /mcp even with a valid token',
  needs: ['token'],
  async run(context) {
    const response = await request(context.target.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, Authorization: `Bearer ${context.signIn!.accessToken}`, Origin: UNKNOWN_ORIGIN },
      body: JSON.stringify(INITIALIZE_REQUEST),
    });
    await response.body?.cancel();
    if (response.status !== 403) fail(`a POST from ${UNKNOWN_ORIGIN} with a valid token answered HTTP ${response.status}, not 403`);
  },
};
