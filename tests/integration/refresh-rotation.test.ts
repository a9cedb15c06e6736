import { InitiateAuthCommand, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { authorizationCodeFlow, jwtClaims, tokenRequest } from '../support/authorization-code.js';
import { initializeRequest, mcpPost } from '../support/demo-login.js';

/**
 * Refresh that survives a lost response, through the facade's /token (local stack; cognito-local as
 * patched models Cognito's RefreshTokenRotation and its RetryGracePeriodSeconds): each refresh
 * answers a new refresh token and retires the old one; the old one repeated inside the grace gets
 * tokens, after it invalid_grant as RFC 6749 JSON. The grace of a DCR client comes from
 * dcrRefreshTokenRotationGraceSeconds (60); the tests that need a shorter one (3 s, 0) set it on the app
 * client through UpdateUserPoolClient (cognito-local keeps the settings not sent; Cognito would reset them).
 */
describe('refresh token rotation with a retry grace', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  afterAll(() => cognito.destroy());

  async function signedInClient() {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'rotation test', redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native' }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const { client_id: clientId } = (await response.json()) as { client_id: string };
    return { clientId, grace: (seconds: number) => setGrace(clientId, seconds), firstTokens: () => authorizationCodeFlow(stack, { clientId, redirectUri: 'http://127.0.0.1:43117/callback' }) };
  }
  const setGrace = (clientId: string, seconds: number) =>
    cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: clientId, RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: seconds } }));
  const refresh = (clientId: string, refreshToken: string) => tokenRequest(stack, { clientId }, { grant_type: 'refresh_token', refresh_token: refreshToken });

  async function expectTokens(response: Response) {
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { access_token: string; refresh_token?: string };
    expect(body.refresh_token).toEqual(expect.any(String));
    return body as { access_token: string; refresh_token: string };
  }
  async function expectInvalidGrant(response: Response) {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  }

  it('a refresh answers a new refresh token; the old one repeated inside the grace (60 s) still gets working tokens', async () => {
    const client = await signedInClient();
    const first = await client.firstTokens();
    const rotated = await expectTokens(await refresh(client.clientId, first.refresh_token!));
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    // The client lost that answer and repeats the request with the token it still has.
    const repeated = await expectTokens(await refresh(client.clientId, first.refresh_token!));
    expect(jwtClaims(repeated.access_token)).toMatchObject({ client_id: client.clientId, token_use: 'access' });
    expect((await mcpPost(stack, initializeRequest, { token: repeated.access_token })).status).toBe(200);
    // Both tokens the rotation issued work.
    await expectTokens(await refresh(client.clientId, rotated.refresh_token));
    await expectTokens(await refresh(client.clientId, repeated.refresh_token));
  });

  it('after the grace the retired token is invalid_grant, and the one that replaced it still works', async () => {
    const client = await signedInClient();
    await client.grace(3);
    const first = await client.firstTokens();
    const rotated = await expectTokens(await refresh(client.clientId, first.refresh_token!));
    await expectTokens(await refresh(client.clientId, first.refresh_token!));
    await sleep(3_200);
    await expectInvalidGrant(await refresh(client.clientId, first.refresh_token!));
    await expectTokens(await refresh(client.clientId, rotated.refresh_token));
  });

  it('with a grace of 0 a refresh token works exactly once', async () => {
    const client = await signedInClient();
    await client.grace(0);
    const first = await client.firstTokens();
    const rotated = await expectTokens(await refresh(client.clientId, first.refresh_token!));
    await expectInvalidGrant(await refresh(client.clientId, first.refresh_token!));
    await expectTokens(await refresh(client.clientId, rotated.refresh_token));
  });

  it('a retired token revoked at /revoke inside its grace no longer works', async () => {
    const client = await signedInClient();
    const first = await client.firstTokens();
    await expectTokens(await refresh(client.clientId, first.refresh_token!));
    const revoked = await fetch(`${stack.baseUrl}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first.refresh_token!, token_type_hint: 'refresh_token', client_id: client.clientId }),
    });
    expect(revoked.status).toBe(200);
    await expectInvalidGrant(await refresh(client.clientId, first.refresh_token!));
  });

  it('the REFRESH_TOKEN_AUTH API flow is refused for a rotating app client (Cognito: rotation only through the token endpoint)', async () => {
    const client = await signedInClient();
    const first = await client.firstTokens();
    await expect(
      cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: client.clientId, AuthParameters: { REFRESH_TOKEN: first.refresh_token! } })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});
