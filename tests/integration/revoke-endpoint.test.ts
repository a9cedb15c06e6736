import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';

/**
 * RFC 7009 revocation end to end: /revoke records an access token's jti, the authorizer refuses
 * the token at once (serverless-offline does not cache authorizer results; deployed, the bound is
 * authorizerCacheTtl); a refresh token goes to Cognito's RevokeToken (cognito-local implements it).
 */
describe('POST /revoke', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let other: DemoSession;

  beforeAll(async () => {
    [session, other] = await Promise.all([signInDemoUser(stack), signInDemoUser(stack)]);
  });

  const revoke = (fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${stack.baseUrl}/revoke`, { method: 'POST', headers: { 'Content-Type': contentType }, body: new URLSearchParams(fields) });
  const refresh = (token: string, clientId: string) =>
    fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId }),
    });

  it('revokes an access token: the authorizer refuses it from then on, other tokens keep working', async () => {
    expect((await mcpPost(stack, initializeRequest, { token: session.accessToken })).status).toBe(200);
    const response = await revoke({ token: session.accessToken, token_type_hint: 'access_token', client_id: session.clientId });
    expect(response.status).toBe(200);
    const refused = await mcpPost(stack, initializeRequest, { token: session.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await mcpPost(stack, initializeRequest, { token: other.accessToken })).status).toBe(200);
  });

  it('revokes a refresh token in Cognito, whatever the hint says', async () => {
    expect((await refresh(other.refreshToken, other.clientId)).status).toBe(200);
    const response = await revoke({ token: other.refreshToken, token_type_hint: 'access_token', client_id: other.clientId });
    expect(response.status).toBe(200);
    const refused = await refresh(other.refreshToken, other.clientId);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 200 for a token it does not know (RFC 7009 §2.2)', async () => {
    expect((await revoke({ token: 'not-a-token-at-all', client_id: session.clientId })).status).toBe(200);
  });

  it('refuses to revoke a token issued to another client', async () => {
    const fresh = await signInDemoUser(stack);
    const response = await revoke({ token: fresh.accessToken, client_id: session.clientId });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
    expect((await mcpPost(stack, initializeRequest, { token: fresh.accessToken })).status).toBe(200);
  });

  it.each([
    ['no token', { client_id: 'x' }, 400, 'invalid_request'],
    ['no client authentication', { token: 'abc' }, 401, 'invalid_client'],
    ['an unknown client', { token: 'abc', client_id: 'no-such-client' }, 401, 'invalid_client'],
  ])('refuses a request with %s', async (_name, fields, status, error) => {
    const response = await revoke(fields as Record<string, string>);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error, error_description: expect.any(String) });
  });

  it('refuses a JSON body: the endpoint takes form-encoded parameters', async () => {
    const response = await fetch(`${stack.baseUrl}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: session.accessToken, client_id: session.clientId }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
