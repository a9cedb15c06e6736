import { AdminInitiateAuthCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { jwtClaims } from '../support/authorization-code.js';
import { type DemoSession, registerPublicClient, signInDemoUser } from '../support/demo-login.js';
import { scopeOf } from '../support/mcp-calls.js';

/**
 * The product relies on Cognito putting the granted scopes in access tokens. cognito-local does
 * not; patches/cognito-local+5.3.0.patch makes it (applied by `npm ci`). These tests guard that.
 */
describe('cognito-local behaves like Cognito for scopes', () => {
  const stack = inject('stack');
  const scopeOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).scope as string;

  it('grants exactly the requested scopes', async () => {
    const session = await signInDemoUser(stack, { scope: `${stack.mcpUrl}/read` });
    expect(scopeOf(session.accessToken)).toBe(`${stack.mcpUrl}/read`);
  });

  it('grants every scope of the app client when none is requested', async () => {
    const session = await signInDemoUser(stack, { scope: '' });
    expect(scopeOf(session.accessToken)).toBe(`${stack.mcpUrl}/read ${stack.mcpUrl}/write`);
  });

  it('refuses a scope the app client was not given, with invalid_scope', async () => {
    await expect(signInDemoUser(stack, { scope: `${stack.mcpUrl}/admin` })).rejects.toThrow('invalid_scope');
  });
});

/**
 * Cognito keeps a session's `auth_time` and scopes across refreshes, and a refresh token works only
 * with the app client it was issued to ("You must specify the same app client that authenticated
 * your user", token endpoint docs). cognito-local on its own stamps a fresh auth_time, widens the
 * scopes to all the client's, and accepts any client's id; the patch carries auth_time, scope and
 * client id in its (signed, stored) refresh token. User revocation depends on auth_time.
 * The clients here register without the refresh grant, so their app clients do not rotate and allow
 * REFRESH_TOKEN_AUTH (Cognito refuses that flow for rotating clients: integration/refresh-rotation.test.ts).
 */
describe('cognito-local refreshes as Cognito does', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  let session: DemoSession; // read + write
  let readOnly: DemoSession;
  let otherClientId: string;
  afterAll(() => cognito.destroy());

  beforeAll(async () => {
    const registration = { grant_types: ['authorization_code'] };
    [session, readOnly, { client_id: otherClientId }] = await Promise.all([
      signInDemoUser(stack, { registration }),
      signInDemoUser(stack, { scope: scopeOf(stack, 'read'), registration }),
      registerPublicClient(stack, registration),
    ]);
    // Refreshes happen in a later second than the sign-in, so that a fresh auth_time would show.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  const refreshAtTokenEndpoint = (refreshToken: string, clientId: string) =>
    fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });
  const refreshThroughInitiateAuth = (refreshToken: string, clientId: string) =>
    cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }));

  it('keeps the original auth_time on a refresh at /oauth2/token (access and ID token), with a new iat', async () => {
    const response = await refreshAtTokenEndpoint(session.refreshToken, session.clientId);
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as { access_token: string; id_token: string };
    const original = jwtClaims(session.accessToken);
    const access = jwtClaims(refreshed.access_token);
    expect(access.auth_time).toBe(original.auth_time);
    expect(access.iat).toBeGreaterThan(original.iat as number);
    expect(jwtClaims(refreshed.id_token).auth_time).toBe(jwtClaims(session.idToken).auth_time);
  });

  it('keeps the original auth_time on a refresh through InitiateAuth REFRESH_TOKEN_AUTH', async () => {
    const result = await refreshThroughInitiateAuth(session.refreshToken, session.clientId);
    const access = jwtClaims(result.AuthenticationResult?.AccessToken ?? '');
    expect(access.auth_time).toBe(jwtClaims(session.accessToken).auth_time);
    expect(access.client_id).toBe(session.clientId);
    expect(jwtClaims(result.AuthenticationResult?.IdToken ?? '').auth_time).toBe(jwtClaims(session.idToken).auth_time);
  });

  it('keeps the scopes originally granted on a refresh, never widening them to the client\'s', async () => {
    expect(jwtClaims(readOnly.accessToken).scope).toBe(scopeOf(stack, 'read'));
    const response = await refreshAtTokenEndpoint(readOnly.refreshToken, readOnly.clientId);
    const refreshed = (await response.json()) as { access_token: string };
    expect(jwtClaims(refreshed.access_token).scope).toBe(scopeOf(stack, 'read'));
    const viaApi = await refreshThroughInitiateAuth(readOnly.refreshToken, readOnly.clientId);
    expect(jwtClaims(viaApi.AuthenticationResult?.AccessToken ?? '').scope).toBe(scopeOf(stack, 'read'));
  });

  it('refuses a refresh token presented with another client\'s id at /oauth2/token (invalid_grant)', async () => {
    const response = await refreshAtTokenEndpoint(session.refreshToken, otherClientId);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    // The client it was issued to can still use it.
    expect((await refreshAtTokenEndpoint(session.refreshToken, session.clientId)).status).toBe(200);
  });

  it('refuses a refresh token presented with another client\'s id through InitiateAuth and AdminInitiateAuth (NotAuthorizedException)', async () => {
    await expect(refreshThroughInitiateAuth(session.refreshToken, otherClientId)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(refreshThroughInitiateAuth(session.refreshToken, stack.operatorClientId)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const admin = (clientId: string) =>
      cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: stack.userPoolId,
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: session.refreshToken },
        }),
      );
    await expect(admin(otherClientId)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(jwtClaims((await admin(session.clientId)).AuthenticationResult?.AccessToken ?? '').auth_time).toBe(jwtClaims(session.accessToken).auth_time);
  });
});
