import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ListUsersCommand,
  RevokeTokenCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoApi, CognitoOperation } from './json-api.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: Record<CognitoOperation, new (input: any) => any> = {
  ListUsers: ListUsersCommand,
  AdminGetUser: AdminGetUserCommand,
  AdminUserGlobalSignOut: AdminUserGlobalSignOutCommand,
  CreateUserPoolClient: CreateUserPoolClientCommand,
  UpdateUserPoolClient: UpdateUserPoolClientCommand,
  DescribeUserPoolClient: DescribeUserPoolClientCommand,
  DeleteUserPoolClient: DeleteUserPoolClientCommand,
  ListUserPoolClients: ListUserPoolClientsCommand,
  RevokeToken: RevokeTokenCommand,
};

/** The same calls over the SDK's client: for the admin CLI and local/, which keep the SDK. */
export function sdkCognitoApi(client: CognitoIdentityProviderClient): CognitoApi {
  return async (operation, input) => {
    const { $metadata: _metadata, ...output } = (await client.send(new COMMANDS[operation](input))) as unknown as Record<string, unknown>;
    return output;
  };
}
