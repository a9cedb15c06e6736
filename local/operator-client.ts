import { CreateUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { registerClient } from '../admin/client-commands.js';
import type { AdminTarget } from '../admin/target.js';
import { createDocumentClient } from '../lib/dynamodb/document-client.js';
import { SCOPE_NAMES, fullScope } from '../lib/oauth/scopes.js';
import { localCognitoClient } from './cognito.js';
import { localDynamoDbClient } from './dynamodb.js';
import { LOCAL_USER_POOL_ID } from './settings.js';

const NAME = 'local operator console';

/** Where the MCP Inspector (default port) and the tests' helper receive the authorization code (registry only). */
export const OPERATOR_CLIENT_REDIRECT_URIS = [
  'http://localhost:6274/oauth/callback',
  'http://localhost:6274/oauth/callback/debug',
  'http://localhost:53682/callback',
];

/**
 * An app client the operator made and registered, as a deployment would have for its own
 * admin tooling: unlike dynamically registered clients it may carry the admin scope, and the
 * users' groups grant scopes through it. Created once, then reused.
 */
export async function seedOperatorClient(endpoints: { cognito: string; dynamoDb: string }, baseUrl: string, clientsTable: string): Promise<string> {
  const resourceUrl = `${baseUrl}/mcp`;
  const cognito = localCognitoClient(endpoints.cognito);
  const dynamoDb = localDynamoDbClient(endpoints.dynamoDb);
  try {
    const listed = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: LOCAL_USER_POOL_ID, MaxResults: 60 }));
    let clientId = listed.UserPoolClients?.find((client) => client.ClientName === NAME)?.ClientId;
    if (!clientId) {
      const created = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: LOCAL_USER_POOL_ID,
          ClientName: NAME,
          GenerateSecret: false,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: SCOPE_NAMES.map((name) => fullScope(resourceUrl, name)),
          // Cognito sends every sign-in to the facade; the client's own URIs are in the registry.
          CallbackURLs: [`${baseUrl}/oauth/callback`],
          SupportedIdentityProviders: ['COGNITO'],
          EnableTokenRevocation: true,
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('cognito-local returned no client id');
    }
    const target: AdminTarget = {
      stage: 'local',
      tables: { revocations: '', clients: clientsTable, apiKeys: '' },
      userPoolId: LOCAL_USER_POOL_ID,
      resourceUrl,
      documents: createDocumentClient(dynamoDb),
      cognito,
      close: () => undefined,
    };
    await registerClient(target, clientId, () => undefined, { redirectUris: OPERATOR_CLIENT_REDIRECT_URIS });
    // A data dir from before the facade: refresh the row's redirect URIs and the app client's callback.
    await registerClient(target, clientId, () => undefined, { redirectUris: OPERATOR_CLIENT_REDIRECT_URIS, update: true });
    return clientId;
  } finally {
    cognito.destroy();
    dynamoDb.destroy();
  }
}
