import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
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

  const register = (body: string) =>
    fetch(`${stack.baseUrl}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

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
      // The facade's callback only: the client's own redirect URIs are enforced at /authorize.
      CallbackURLs: [`${stack.baseUrl}/oauth/callback`],
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
});
