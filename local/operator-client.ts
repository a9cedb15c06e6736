import { registerClient } from '../admin/client-commands.js';
import type { AdminTarget } from '../admin/target.js';
import { createDocumentClient } from '../lib/dynamodb/document-client.js';
import { SCOPE_NAMES, fullScope } from '../lib/oauth/scopes.js';
import { localCognitoClient } from './cognito.js';
import { localDynamoDbClient } from './dynamodb.js';
import { type AddressSettings, addressSettingsDiffer, ensureNamedAppClient } from './named-app-client.js';
import { LOCAL_USER_POOL_ID } from './settings.js';

const NAME = 'local operator console';

/** Where the MCP Inspector (default port) and the tests' helper receive the authorization code (registry only). */
export const OPERATOR_CLIENT_REDIRECT_URIS = [
  'http://localhost:6274/oauth/callback',
  'http://localhost:6274/oauth/callback/debug',
  'http://localhost:53682/callback',
];

/**
 * The Cognito settings of the operator client that name the stack's address: its scopes
 * ({base}/mcp/read…) and its only callback, the facade's. Both follow MCP_LOCAL_PORT.
 */
export function operatorAppClientAddressSettings(baseUrl: string): AddressSettings {
  const resourceUrl = `${baseUrl}/mcp`;
  return { AllowedOAuthScopes: SCOPE_NAMES.map((name) => fullScope(resourceUrl, name)), CallbackURLs: [`${baseUrl}/oauth/callback`] };
}

/** Whether a saved app client still names another address (the data dir was used with another MCP_LOCAL_PORT). */
export function namesAnotherAddress(saved: { AllowedOAuthScopes?: string[] | undefined; CallbackURLs?: string[] | undefined }, baseUrl: string): boolean {
  return addressSettingsDiffer(saved, operatorAppClientAddressSettings(baseUrl));
}

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
    // Cognito sends every sign-in to the facade; the client's own URIs are in the registry.
    const clientId = await ensureNamedAppClient(cognito, NAME, operatorAppClientAddressSettings(baseUrl), { EnableTokenRevocation: true });
    const target: AdminTarget = {
      stage: 'local',
      tables: { revocations: '', clients: clientsTable, apiKeys: '', grants: '' },
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
