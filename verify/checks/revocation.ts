import { setTimeout as sleep } from 'node:timers/promises';
import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { MCP_POST_HEADERS, describeRefusal, isHttpsOrLoopback, request } from '../http.js';
import { INITIALIZE_REQUEST } from './challenge.js';

const POLL_INTERVAL_MS = 5_000;

/**
 * RFC 7009 at the revocation endpoint, then the token refused at /mcp. API Gateway keeps an
 * authorizer's Allow for authorizerCacheTtl seconds (60 by default), so a revoked token may work
 * that long: it is asked again every few seconds up to --revocation-wait.
 */
export const revocationCheck: Check<VerifyContext> = {
  id: 'revoke',
  title: 'Token revoked at revocation_endpoint (RFC 7009), then refused at /mcp',
  needs: ['token'],
  async run(context) {
    const signIn = context.signIn!;
    const endpoint = context.authorizationServer!.metadata.revocation_endpoint;
    if (!isHttpsOrLoopback(endpoint)) fail(`revocation_endpoint is ${JSON.stringify(endpoint)}: a client cannot revoke its tokens`);
    const revoked = await request(endpoint as string, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: signIn.accessToken!, token_type_hint: 'access_token', client_id: signIn.clientId }),
    });
    if (revoked.status !== 200) fail(`the revocation endpoint answered ${await describeRefusal(revoked)}, not 200`);
    await revoked.body?.cancel();
    signIn.revoked = true;
    const started = Date.now();
    const deadline = started + context.options.revocationWaitSeconds * 1000;
    for (;;) {
      const response = await request(context.target.mcpUrl, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, Authorization: `Bearer ${signIn.accessToken}` },
        body: JSON.stringify(INITIALIZE_REQUEST),
      });
      await response.body?.cancel();
      if (response.status === 401) return `refused ${Math.round((Date.now() - started) / 1000)} s after the revocation`;
      if (response.status !== 200) fail(`after the revocation /mcp answered HTTP ${response.status}, not 401`);
      if (Date.now() + POLL_INTERVAL_MS > deadline) {
        fail(`still accepted ${context.options.revocationWaitSeconds} s after the revocation (is authorizerCacheTtl longer? raise --revocation-wait)`);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  },
};
