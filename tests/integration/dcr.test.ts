import { DescribeUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { registerClient } from '../../dcr/register-client.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';

const CLIENTS_TABLE = 'secure-mcp-local-clients';

describe('dynamic client registration (POST /register) against cognito-local and DynamoDB Local', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });

  const register = (body: string, contentType = 'application/json') =>
    fetch(`${stack.baseUrl}/register`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  const cognitoClientIds = async () =>
    ((await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: stack.userPoolId, MaxResults: 60 }))).UserPoolClients ?? [])
      .map((client) => client.ClientId);
  const registryCount = async () => (await dynamodb.send(new ScanCommand({ TableName: CLIENTS_TABLE, Select: 'COUNT' }))).Count;

  it('registers a public client in Cognito and the registry and answers per RFC 7591', async () => {
    const response = await register(
      JSON.stringify({
        client_name: 'Claude (test)',
        redirect_uris: ['http://localhost:6274/oauth/callback', 'https://claude.ai/api/mcp/auth_callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'read write admin offline_access',
        software_id: 'test-suite',
        unknown_field: 'is ignored',
      }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const registration = await response.json();
    expect(registration).toMatchObject({
      client_id: expect.stringMatching(/^\w+$/),
      client_id_issued_at: expect.any(Number),
      client_name: 'Claude (test)',
      redirect_uris: ['http://localhost:6274/oauth/callback', 'https://claude.ai/api/mcp/auth_callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      // admin is never granted to a dynamic client; offline_access is not a Cognito scope.
      scope: `${stack.mcpUrl}/read ${stack.mcpUrl}/write`,
      software_id: 'test-suite',
    });
    expect(registration).not.toHaveProperty('client_secret');
    expect(registration).not.toHaveProperty('unknown_field');

    const { UserPoolClient: appClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: registration.client_id }),
    );
    expect(appClient).toMatchObject({
      CallbackURLs: registration.redirect_uris,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(appClient?.ClientSecret).toBeUndefined();

    const row = await DynamoDBDocumentClient.from(dynamodb).send(
      new GetCommand({ TableName: CLIENTS_TABLE, Key: { clientId: registration.client_id } }),
    );
    expect(row.Item).toMatchObject({
      clientId: registration.client_id,
      redirectUris: registration.redirect_uris,
      tokenEndpointAuthMethod: 'none',
      scope: registration.scope,
    });
  });

  const refused: Array<[string, string, number, string, string?]> = [
    ['malformed JSON', '{"redirect_uris": [', 400, 'invalid_client_metadata'],
    ['a JSON array', '[]', 400, 'invalid_client_metadata'],
    ['no redirect_uris', '{"client_name":"x"}', 400, 'invalid_redirect_uri'],
    ['a javascript: redirect URI', '{"redirect_uris":["javascript:alert(1)"]}', 400, 'invalid_redirect_uri'],
    ['an http redirect URI on a public host', '{"redirect_uris":["http://evil.example.com/cb"]}', 400, 'invalid_redirect_uri'],
    ['a redirect URI with a fragment', '{"redirect_uris":["https://app.example.com/cb#x"]}', 400, 'invalid_redirect_uri'],
    ['a client secret auth method', '{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"client_secret_basic"}', 400, 'invalid_client_metadata'],
    ['the implicit grant', '{"redirect_uris":["https://a.example.com/cb"],"grant_types":["implicit"]}', 400, 'invalid_client_metadata'],
    ['the token response type', '{"redirect_uris":["https://a.example.com/cb"],"response_types":["token"]}', 400, 'invalid_client_metadata'],
    ['a wrong type', '{"redirect_uris":"https://a.example.com/cb"}', 400, 'invalid_redirect_uri'],
    ['a text/plain body', '{"redirect_uris":["https://a.example.com/cb"]}', 400, 'invalid_client_metadata', 'text/plain'],
    ['an oversized body', JSON.stringify({ redirect_uris: ['https://a.example.com/cb'], client_name: 'x'.repeat(20_000) }), 413, 'invalid_client_metadata'],
  ];

  it.each(refused)('refuses %s with an RFC 7591 error and creates nothing', async (_name, body, status, error, contentType) => {
    const [clientsBefore, rowsBefore] = [await cognitoClientIds(), await registryCount()];
    const response = await register(body, contentType);
    expect(response.status).toBe(status);
    const answer = await response.json();
    expect(answer).toEqual({ error, error_description: expect.any(String) });
    expect(answer.error_description).not.toMatch(/at .*\.(js|ts|mjs):\d+/);
    expect(await cognitoClientIds()).toEqual(clientsBefore);
    expect(await registryCount()).toBe(rowsBefore);
  });

  it('deletes the Cognito app client again when the registry write fails (no orphan)', async () => {
    const appClients = cognitoAppClients(stack.userPoolId, cognito);
    let createdId: string | undefined;
    const recordingAppClients = {
      ...appClients,
      async createPublicClient(request: Parameters<typeof appClients.createPublicClient>[0]) {
        const created = await appClients.createPublicClient(request);
        createdId = created.clientId;
        return created;
      },
    };
    const failingRegistry = { put: async () => Promise.reject(new Error('injected DynamoDB failure')) };
    await expect(
      registerClient(
        { redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'] },
        { resourceServerId: stack.mcpUrl, allowedScopes: [`${stack.mcpUrl}/read`] },
        { appClients: recordingAppClients, registry: failingRegistry },
      ),
    ).rejects.toThrow('injected DynamoDB failure');
    expect(createdId).toBeDefined();
    expect(await cognitoClientIds()).not.toContain(createdId);
  });
});
