import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { authorizationCodeFlow, jwtClaims, pkcePair, tokenRequest } from '../support/authorization-code.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { initializeRequest, mcpPost, registerPublicClient } from '../support/demo-login.js';

/**
 * Resource binding (RFC 8707), as Cognito does it with the Essentials plan and as
 * patches/cognito-local+5.3.0.patch makes cognito-local do it: the authorization request's
 * `resource`, when it names a resource server of the pool, becomes the access token's `aud`, and a
 * refresh keeps it. The facade always sends this server's resource, so its tokens are bound to it,
 * and the authorizer refuses a token bound to another resource. Without the patch cognito-local
 * issues no aud at all: the first, second and third tests fail (no aud; a token for another
 * resource reaches /mcp).
 */
const OTHER_RESOURCE = 'https://other-api.example.com/api';
const CALLBACK = 'http://localhost:41300/cb';

describe('resource binding: aud from the resource, and the authorizer\'s audience check end to end', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  let appClientId: string;
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });

  beforeAll(async () => {
    // A client of the pool allowed scopes of two resource servers (this MCP server and another API),
    // registered as the operator's (`client register` writes this row) so that the authorizer knows it.
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: stack.userPoolId,
        ClientName: 'two resource servers',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: [`${stack.mcpUrl}/read`, `${OTHER_RESOURCE}/read`],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [CALLBACK],
      }),
    );
    appClientId = created.UserPoolClient!.ClientId!;
    await documents.send(new PutCommand({
      TableName: 'secure-mcp-local-clients',
      Item: { clientId: appClientId, status: 'active', source: 'manual', clientName: 'two resource servers', redirectUris: [CALLBACK], grantTypes: ['authorization_code', 'refresh_token'], responseTypes: ['code'], scope: `${stack.mcpUrl}/read`, registrationTokenHash: '', createdAt: Math.floor(Date.now() / 1000) },
    }));
  });

  /** Straight at cognito-local's /oauth2/authorize and /oauth2/token, as a client of the pool could. */
  const tokenFromCognito = async (parameters: Record<string, string>) => {
    const { verifier, challenge } = pkcePair();
    const url = new URL(`${stack.cognitoEndpoint}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: appClientId, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256',
      scope: `${stack.mcpUrl}/read ${OTHER_RESOURCE}/read`, ...parameters,
    }).toString();
    const redirect = await signInThroughLoginPage(url, stack.demoUser);
    const response = await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: CALLBACK, client_id: appClientId, code_verifier: verifier }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  };

  it('a token issued through the facade names this server in aud, passes at /mcp, and keeps aud when refreshed', async () => {
    const client = await registerPublicClient(stack, { redirect_uris: ['http://127.0.0.1/cb'] });
    const tokens = await authorizationCodeFlow(stack, { clientId: client.client_id, redirectUri: 'http://127.0.0.1:41301/cb' });
    expect(jwtClaims(tokens.access_token).aud).toBe(stack.mcpUrl);
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
    const refreshed = await tokenRequest(stack, { clientId: client.client_id }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const access = ((await refreshed.json()) as { access_token: string }).access_token;
    expect(jwtClaims(access).aud).toBe(stack.mcpUrl);
    expect((await mcpPost(stack, initializeRequest, { token: access })).status).toBe(200);
  });

  it('a token of the same client and user bound to another resource is refused at /mcp (401 invalid_token)', async () => {
    const bound = await tokenFromCognito({ resource: OTHER_RESOURCE });
    expect(jwtClaims(bound.access_token)).toMatchObject({ aud: OTHER_RESOURCE, client_id: appClientId });
    const refused = await mcpPost(stack, initializeRequest, { token: bound.access_token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    // The control: the same client bound to this server passes, so aud alone made the difference.
    const ours = await tokenFromCognito({ resource: stack.mcpUrl });
    expect(jwtClaims(ours.access_token).aud).toBe(stack.mcpUrl);
    expect((await mcpPost(stack, initializeRequest, { token: ours.access_token })).status).toBe(200);
  });

  it('a refresh keeps the binding to the other resource: still refused', async () => {
    const bound = await tokenFromCognito({ resource: OTHER_RESOURCE });
    const response = await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: bound.refresh_token, client_id: appClientId }),
    });
    const access = ((await response.json()) as { access_token: string }).access_token;
    expect(jwtClaims(access).aud).toBe(OTHER_RESOURCE);
    expect((await mcpPost(stack, initializeRequest, { token: access })).status).toBe(401);
  });

  it('without a resource, or with one that names no resource server of the pool, Cognito binds nothing: no aud', async () => {
    for (const parameters of [{}, { resource: 'https://unknown.example.com/x' }] as Array<Record<string, string>>) {
      const unbound = await tokenFromCognito(parameters);
      expect(jwtClaims(unbound.access_token).aud, JSON.stringify(parameters)).toBeUndefined();
      // Accepted: Cognito issues aud-less tokens on paths that cannot bind (client_credentials, SDK sign-in),
      // and their scopes (`{this server}/read`) still name this server's resource server only.
      expect((await mcpPost(stack, initializeRequest, { token: unbound.access_token })).status).toBe(200);
    }
  });
});
