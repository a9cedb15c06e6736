import { AdminUserGlobalSignOutCommand, type CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoApi } from './json-api.js';

/** The same calls over the SDK's client: for the admin CLI, which keeps the SDK. */
export function sdkCognitoApi(client: CognitoIdentityProviderClient): CognitoApi {
  return async (operation, input) => {
    if (operation === 'ListUsers') return (await client.send(new ListUsersCommand(input as never))) as unknown as Record<string, unknown>;
    return (await client.send(new AdminUserGlobalSignOutCommand(input as never))) as unknown as Record<string, unknown>;
  };
}
