import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { callTool, scopeOf } from '../support/mcp-calls.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

/**
 * A stolen refresh token must not outlive a user revocation. `users_revoke_tokens` refuses every
 * session the user started before it (by `auth_time`); Cognito keeps `auth_time` across refreshes,
 * so an access token refreshed afterwards from an earlier session is still refused. End to end: a
 * victim signs in through a dynamically registered client, an administrator revokes the user
 * through the MCP tool (the operator client, admin scope through the mcp-admins group), the
 * attacker refreshes the victim's refresh token at cognito-local's token endpoint, and /mcp refuses
 * the new token. (Needs patches/cognito-local+5.3.0.patch: unpatched, a refresh stamps a fresh
 * auth_time and the refreshed token gets through.)
 */
describe('user revocation covers access tokens refreshed after it', () => {
  const stack = inject('stack');
  let victim: TestUser;
  let victimSession: DemoSession;
  let admin: DemoSession;

  beforeAll(async () => {
    victim = await createTestUser(stack);
    [victimSession, admin] = await Promise.all([
      signInDemoUser(stack, { user: victim }),
      signInDemoUser(stack, { clientId: stack.operatorClientId, scope: scopeOf(stack, 'admin') }),
    ]);
  });

  const mcpStatus = async (token: string) => (await mcpPost(stack, initializeRequest, { token })).status;
  const refresh = async (session: DemoSession) => {
    const response = await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  it('refuses a token refreshed after users_revoke_tokens from a session started before it (401)', async () => {
    expect(await mcpStatus(victimSession.accessToken)).toBe(200);

    const revoked = await callTool(stack, admin.accessToken, 'users_revoke_tokens', { sub: victim.sub, reason: 'stolen refresh token' });
    expect(revoked.status).toBe(200);
    expect(revoked.result.isError).toBeFalsy();
    expect(revoked.result.structuredContent).toMatchObject({ sub: victim.sub });
    expect(await mcpStatus(victimSession.accessToken)).toBe(401);

    // The attacker refreshes in a later second than the revocation: a fresh auth_time would pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await refresh(victimSession);
    expect(await mcpStatus(refreshed)).toBe(401);

    // The user signing in again afterwards is a new session, and works.
    const again = await signInDemoUser(stack, { user: victim });
    expect(await mcpStatus(again.accessToken)).toBe(200);
    expect(await mcpStatus(await refresh(again))).toBe(200);
  });
});
