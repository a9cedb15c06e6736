import { CreateUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describeAppClient } from '../admin/cognito-calls.js';
import { updateAppClient } from '../admin/client-commands.js';
import { localCognitoClient } from './cognito.js';
import { LOCAL_USER_POOL_ID } from './settings.js';

const NAME = 'connected apps page';

/**
 * The local stand-in for resources/cognito.yml's AppsPageUserPoolClient: the facade's own app
 * client for the /apps page's sign-in, its one callback {base}/apps/callback (following
 * MCP_LOCAL_PORT). Created once, then reused; not in the client registry, like on AWS.
 */
export async function seedAppsPageClient(cognitoEndpoint: string, baseUrl: string): Promise<string> {
  const cognito = localCognitoClient(cognitoEndpoint);
  const settings = { CallbackURLs: [`${baseUrl}/apps/callback`], AllowedOAuthScopes: ['openid', 'email'] };
  try {
    const listed = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: LOCAL_USER_POOL_ID, MaxResults: 60 }));
    const existing = listed.UserPoolClients?.find((client) => client.ClientName === NAME)?.ClientId;
    if (existing) {
      const saved = await describeAppClient(cognito, LOCAL_USER_POOL_ID, existing);
      if (saved.CallbackURLs?.join(' ') !== settings.CallbackURLs.join(' ')) await updateAppClient(cognito, saved, settings);
      return existing;
    }
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: LOCAL_USER_POOL_ID,
        ClientName: NAME,
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        SupportedIdentityProviders: ['COGNITO'],
        ...settings,
      }),
    );
    if (!created.UserPoolClient?.ClientId) throw new Error('cognito-local returned no client id');
    return created.UserPoolClient.ClientId;
  } finally {
    cognito.destroy();
  }
}
