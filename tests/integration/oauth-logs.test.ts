import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { authorizeThroughFacade, tokenRequest } from '../support/authorization-code.js';

/**
 * No code, verifier, token, client secret or sealed state in the functions' logs (what
 * serverless-offline printed for them: {dataDir}/logs/offline.log). On AWS the same lines go to
 * CloudWatch; API Gateway access logs are off.
 */
describe('the facade logs no secret', () => {
  const stack = inject('stack');

  it('after public and confidential flows, refreshes and failures, none of their secrets is in the log', async () => {
    const secrets: string[] = [];
    for (const method of ['none', 'client_secret_basic'] as const) {
      const registered = (await (await fetch(`${stack.baseUrl}/register`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'log check', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: method }),
      })).json()) as { client_id: string; client_secret?: string };
      const client = { clientId: registered.client_id, clientSecret: registered.client_secret, redirectUri: 'http://127.0.0.1:41999/cb' };
      const run = await authorizeThroughFacade(stack, client);
      const code = run.redirect.searchParams.get('code')!;
      const tokens = (await (await tokenRequest(stack, client, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: run.verifier })).json()) as { access_token: string; refresh_token: string; id_token: string };
      await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      // A replayed code and a wrong verifier: refusals are logged too.
      await tokenRequest(stack, client, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: run.verifier });
      secrets.push(code, run.verifier, tokens.access_token, tokens.refresh_token, tokens.id_token, ...(registered.client_secret ? [registered.client_secret] : []));
    }
    // Lines reach the file asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = readFileSync(join(stack.dataDir, 'logs', 'offline.log'), 'utf8');
    expect(log).toContain('Token issued');
    for (const secret of secrets) expect(log.includes(secret), `a secret of ${secret.length} characters is in the log`).toBe(false);
    expect(log).not.toMatch(/v1\.[A-Za-z0-9_-]{200,}/);
  });
});
