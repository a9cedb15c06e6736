import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { authorizationCodeFlow, jwtClaims } from '../support/authorization-code.js';
import { initializeRequest, mcpPost } from '../support/demo-login.js';

/**
 * The positive set: what real MCP clients send to /register, each registered over HTTP and then
 * signed in (authorization code + PKCE through cognito-local's login page) and used on /mcp.
 */
describe('registration payloads of real MCP clients', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  afterAll(() => cognito.destroy());
  const scope = (...names: string[]) => names.map((name) => `${stack.mcpUrl}/${name}`).join(' ');
  const register = async (body: Record<string, unknown>) => {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Record<string, unknown> & { client_id: string; scope: string; redirect_uris: string[] };
  };

  const publicClients: Array<[string, Record<string, unknown>]> = [
    ['the MCP SDK client', {
      client_name: 'SDK client', redirect_uris: ['http://localhost:53682/callback'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
      scope: 'READ_WRITE_PLACEHOLDER',
    }],
    ['the MCP Inspector', {
      client_name: 'MCP Inspector', client_uri: 'https://github.com/modelcontextprotocol/inspector',
      redirect_uris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }],
    ['a CLI on a loopback port (Claude Code style)', {
      client_name: 'Claude Code (secure-mcp)', redirect_uris: ['http://localhost:49731/callback'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }],
    ['a desktop client on 127.0.0.1 (VS Code style)', {
      client_name: 'Visual Studio Code', redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }],
    ['a native app with a vendor scheme (Cursor style)', {
      client_name: 'Cursor', redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }],
    ['a native app with a reverse-domain private-use scheme (RFC 8252)', {
      client_name: 'Example native app', redirect_uris: ['com.example.mcpapp:/oauth2redirect'],
      token_endpoint_auth_method: 'none', software_id: 'com.example.mcpapp', software_version: '2.1.0',
    }],
    ['a minimal registration (defaults only)', { redirect_uris: ['http://[::1]:8765/cb'] }],
  ];

  it.each(publicClients)('%s registers and completes the login flow', async (_name, payload) => {
    const body = { ...payload };
    if (body.scope === 'READ_WRITE_PLACEHOLDER') body.scope = scope('read', 'write');
    const registration = await register(body);
    expect(registration).toMatchObject({
      client_id: expect.stringMatching(/^\w+$/),
      token_endpoint_auth_method: 'none',
      grant_types: (body.grant_types as string[] | undefined) ?? ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: body.redirect_uris,
      scope: scope('read', 'write'),
      registration_access_token: expect.stringMatching(/^[\w-]{43}$/),
      registration_client_uri: `${stack.baseUrl}/register/${registration.client_id}`,
    });
    expect(registration).not.toHaveProperty('client_secret');
    const redirectUri = registration.redirect_uris[0]!;
    const tokens = await authorizationCodeFlow(stack, { clientId: registration.client_id, redirectUri, scope: registration.scope });
    expect(jwtClaims(tokens.access_token)).toMatchObject({ client_id: registration.client_id, token_use: 'access' });
    expect(tokens.refresh_token).toBeTruthy();
    const initialized = await mcpPost(stack, initializeRequest, { token: tokens.access_token });
    expect(initialized.status).toBe(200);
  });

  it('a public client with refresh tokens gets rotation, revocation and no user existence errors in Cognito', async () => {
    const registration = await register({ client_name: 'settings check', redirect_uris: ['http://localhost:1455/cb'] });
    const { UserPoolClient: app } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: registration.client_id }),
    );
    expect(app).toMatchObject({
      ClientName: 'dcr settings check',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [`${stack.baseUrl}/oauth/callback`],
      SupportedIdentityProviders: ['COGNITO'],
      // Rotation is on, so the REFRESH_TOKEN_AUTH API flow (incompatible with it) is off, and the
      // list is explicit (a missing one means Cognito's defaults, which include it).
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 60 },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    });
    expect(app?.ClientSecret).toBeUndefined();
  });

  it('a confidential client (client_secret_basic) gets its secret once and completes the login flow', async () => {
    const registration = await register({
      client_name: 'Confidential web app', redirect_uris: ['https://app.example.com/oauth/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(registration).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: expect.stringMatching(/\S{8,}/),
      client_secret_expires_at: 0,
    });
    const { UserPoolClient: app } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: registration.client_id }),
    );
    expect(app?.ClientSecret).toBe(registration.client_secret);
    // The secret is never shown again: RFC 7592 read returns the metadata only.
    const read = await fetch(registration.registration_client_uri as string, {
      headers: { Authorization: `Bearer ${registration.registration_access_token}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).not.toHaveProperty('client_secret');
    const tokens = await authorizationCodeFlow(stack, {
      clientId: registration.client_id,
      redirectUri: 'https://app.example.com/oauth/callback',
      clientSecret: registration.client_secret as string,
      scope: registration.scope,
    });
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
  });

  it('client_secret_post is accepted as well', async () => {
    const registration = await register({ redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'client_secret_post' });
    expect(registration.client_secret).toEqual(expect.any(String));
  });

  it('a registration asking for admin succeeds without it, and its tokens do not carry admin', async () => {
    const registration = await register({
      client_name: 'Greedy client', redirect_uris: ['http://localhost:40001/cb'],
      scope: `read write admin offline_access openid ${stack.mcpUrl}/admin https://other.example/mcp/admin`,
    });
    expect(registration.scope).toBe(scope('read', 'write'));
    const { UserPoolClient: app } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: registration.client_id }),
    );
    expect(app?.AllowedOAuthScopes).toEqual([`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`]);
    // Asking Cognito for admin at sign-in does not get it either.
    const tokens = await authorizationCodeFlow(stack, {
      clientId: registration.client_id,
      redirectUri: 'http://localhost:40001/cb',
      scope: scope('read', 'admin'),
    }).catch((error: Error) => error);
    if (tokens instanceof Error) {
      expect(tokens.message).toMatch(/invalid_scope|Authorization refused/);
    } else {
      expect(String(jwtClaims(tokens.access_token).scope).split(' ')).not.toContain(`${stack.mcpUrl}/admin`);
    }
  });

  it('a registration asking only for admin gets the default scopes', async () => {
    const registration = await register({ redirect_uris: ['http://localhost:40002/cb'], scope: 'admin' });
    expect(registration.scope).toBe(scope('read', 'write'));
  });
});
