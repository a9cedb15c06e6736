import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface PublicAppClientRequest {
  name: string;
  redirectUris: string[];
  scopes: string[];
  allowRefreshTokens: boolean;
}

/** The Cognito calls dynamic client registration makes, behind a small interface tests can fail. */
export interface AppClients {
  createPublicClient(request: PublicAppClientRequest): Promise<{ clientId: string }>;
  deleteClient(clientId: string): Promise<void>;
}

/**
 * Cognito app clients for public MCP clients: authorization code flow only (Cognito's managed
 * login requires PKCE from clients without a secret), exact redirect URIs, no secret, token
 * revocation on, and no hint whether a user exists.
 */
export function cognitoAppClients(userPoolId: string, cognito = new CognitoIdentityProviderClient({})): AppClients {
  return {
    async createPublicClient(request) {
      const response = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: request.name,
          GenerateSecret: false,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: request.scopes,
          CallbackURLs: request.redirectUris,
          SupportedIdentityProviders: ['COGNITO'],
          ExplicitAuthFlows: request.allowRefreshTokens ? ['ALLOW_REFRESH_TOKEN_AUTH'] : [],
          PreventUserExistenceErrors: 'ENABLED',
          EnableTokenRevocation: true,
          AccessTokenValidity: 60,
          IdTokenValidity: 60,
          RefreshTokenValidity: 30,
          TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
        }),
      );
      const clientId = response.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('Cognito returned no client id');
      return { clientId };
    },
    async deleteClient(clientId) {
      await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    },
  };
}
