import { CreateUserPoolClientCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { authorizationCodeFlow, pkcePair, tokenRequest } from '../support/authorization-code.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { runAdmin } from '../../admin/cli.js';

/**
 * Clients registered before the facade: their app clients have their own redirect URIs as Cognito
 * callback URLs, and their rows no cognitoCallbackUrl. A dynamic one is migrated at its next
 * /authorize (nothing for the operator to do) and its old refresh token keeps working through
 * /token; an operator one is refused with the command that re-registers it.
 */
describe('clients registered before the facade', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });
  const callback = () => `${stack.baseUrl}/oauth/callback`;

  async function preFacadeAppClient(redirectUri: string, name: string) {
    const created = await cognito.send(new CreateUserPoolClientCommand({
      UserPoolId: stack.userPoolId, ClientName: name, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: [`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`], CallbackURLs: [redirectUri], SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    }));
    return created.UserPoolClient!.ClientId!;
  }

  it('a dynamic client is migrated once at /authorize, and its old refresh token refreshes through /token', async () => {
    const redirectUri = 'http://localhost:47001/cb';
    const clientId = await preFacadeAppClient(redirectUri, 'dcr old client');
    await documents.send(new PutCommand({ TableName: 'secure-mcp-local-clients', Item: {
      clientId, status: 'active', source: 'dcr', clientName: 'old client', redirectUris: [redirectUri], grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'], tokenEndpointAuthMethod: 'none', scope: `${stack.mcpUrl}/read ${stack.mcpUrl}/write`, registrationTokenHash: 'a'.repeat(64), createdAt: 1,
    } }));
    // The way it signed in before: straight at Cognito, with its own redirect URI.
    const { verifier, challenge } = pkcePair();
    const old = new URL(`${stack.cognitoEndpoint}/oauth2/authorize`);
    old.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const code = (await signInThroughLoginPage(old, stack.demoUser)).searchParams.get('code')!;
    const oldTokens = await (await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
    })).json() as { refresh_token: string };

    const tokens = await authorizationCodeFlow(stack, { clientId, redirectUri: 'http://localhost:47002/cb' });
    expect(tokens.access_token).toBeTruthy();
    const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: clientId }));
    expect(described.UserPoolClient?.CallbackURLs).toEqual([callback()]);
    const refreshed = await tokenRequest(stack, { clientId }, { grant_type: 'refresh_token', refresh_token: oldTokens.refresh_token });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
  });

  it('an operator client without redirect URIs gets a page naming the command; after it, it signs in without consent', async () => {
    const redirectUri = 'http://localhost:47011/cb';
    const clientId = await preFacadeAppClient(redirectUri, 'operator old tool');
    await documents.send(new PutCommand({ TableName: 'secure-mcp-local-clients', Item: { clientId, clientName: 'operator old tool', source: 'manual', status: 'active', createdAt: 1 } }));
    const url = new URL(`${stack.baseUrl}/authorize`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString();
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('npm run admin -- client register &#60;client id&#62; --update');
    const out: string[] = [];
    expect(await runAdmin(['client', 'register', clientId, '--update', '--local-dir', stack.dataDir], (line) => out.push(line), () => undefined)).toBe(0);
    expect(out.join('\n')).toContain(`added ${callback()} to its Cognito callback URLs`);
    const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: clientId }));
    expect(described.UserPoolClient?.CallbackURLs).toEqual([redirectUri, callback()]);
    const run = await authorizationCodeFlow(stack, { clientId, redirectUri: 'http://localhost:47012/cb' });
    expect(run.access_token).toBeTruthy();
  });
});
