import { CreateUserPoolClientCommand, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { pkcePair } from '../support/authorization-code.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';

/**
 * Where Cognito is stricter than cognito-local in ways the facade depends on, made as strict by
 * patches/cognito-local+5.3.0.patch (hunks marked "Patched (secure-mcp)"):
 *  - callback URLs: https, http only on localhost, private-use schemes; never http://127.0.0.1 or
 *    http://[::1] (AWS: CreateUserPoolClient/UpdateUserPoolClient answer InvalidParameterException);
 *  - /oauth2/token checks a confidential app client's secret (AWS: 400/401 invalid_client);
 *  - resource binding puts `resource` in the access token's aud (cognito-resource-binding.test.ts).
 */
describe('cognito-local refuses what Cognito refuses', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  afterAll(() => cognito.destroy());
  const create = (callbacks: string[], extra: Record<string, unknown> = {}) =>
    cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: stack.userPoolId,
        ClientName: 'emulator check',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: [`${stack.mcpUrl}/read`],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: callbacks,
        ...extra,
      }),
    );

  it.each(['http://127.0.0.1:6276/oauth/callback', 'http://[::1]:8080/cb', 'http://127.0.0.1/', 'http://example.com/cb', 'https://app.example.com/cb#frag', 'not a url'])(
    'CreateUserPoolClient refuses the callback URL %s (InvalidParameterException)',
    async (url) => {
      await expect(create([url])).rejects.toMatchObject({ name: 'InvalidParameterException' });
    },
  );

  it.each(['http://localhost:1234/cb', 'http://localhost/cb', 'https://app.example.com/cb', 'myapp://cb', 'cursor://anysphere.cursor-mcp/oauth/callback'])(
    'CreateUserPoolClient accepts the callback URL %s',
    async (url) => {
      const created = await create([url]);
      expect(created.UserPoolClient?.CallbackURLs).toEqual([url]);
    },
  );

  it('UpdateUserPoolClient refuses http://127.0.0.1 too', async () => {
    const created = await create(['http://localhost:1234/cb']);
    await expect(
      cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: created.UserPoolClient!.ClientId!, CallbackURLs: ['http://127.0.0.1:1234/cb'] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('/oauth2/token refuses a confidential client without its secret, or with a wrong one', async () => {
    const created = await create(['http://localhost:41234/cb'], { GenerateSecret: true });
    const { ClientId: clientId, ClientSecret: secret } = created.UserPoolClient!;
    const exchange = async (authorization?: string) => {
      const { verifier, challenge } = pkcePair();
      const url = new URL(`${stack.cognitoEndpoint}/oauth2/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code', client_id: clientId!, redirect_uri: 'http://localhost:41234/cb',
        code_challenge: challenge, code_challenge_method: 'S256', scope: `${stack.mcpUrl}/read`,
      }).toString();
      const redirect = await signInThroughLoginPage(url, stack.demoUser);
      return fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(authorization ? { Authorization: authorization } : {}) },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: 'http://localhost:41234/cb', client_id: clientId!, code_verifier: verifier }),
      });
    };
    const basic = (value: string) => `Basic ${Buffer.from(`${clientId}:${value}`).toString('base64')}`;
    const none = await exchange();
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'invalid_client' });
    expect((await exchange(basic('wrong'))).status).toBe(401);
    expect((await exchange(basic(secret!))).status).toBe(200);
  });
});
