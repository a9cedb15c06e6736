import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUsersCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { attempt } from '../lib/cognito-outcome.js';

/**
 * The Cognito calls the admin CLI makes besides its own tables. An endpoint that does not implement
 * a call (cognito-local lacks AdminUserGlobalSignOut and RevokeToken) is reported as such
 * (lib/cognito-outcome.ts): the revocation in DynamoDB still stands, so the CLI carries on and says
 * what Cognito did not do. The user's global sign-out is part of lib/user-revocation.ts.
 */
export { type CognitoOutcome, describeOutcome } from '../lib/cognito-outcome.js';

/** The user's sub, from a sub or a username (or e-mail, when the pool signs in by e-mail). */
export async function findUserSub(cognito: CognitoIdentityProviderClient, userPoolId: string, user: string): Promise<{ sub: string; username: string }> {
  try {
    const found = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user }));
    const sub = found.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (sub && found.Username) return { sub, username: found.Username };
  } catch (error) {
    if ((error as Error).name !== 'UserNotFoundException') throw error;
  }
  const listed = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${user.replaceAll('"', '')}"`, Limit: 1 }));
  const match = listed.Users?.find((candidate) => candidate.Attributes?.some((attribute) => attribute.Name === 'sub' && attribute.Value === user));
  if (!match?.Username) throw new Error(`No user "${user}" in pool ${userPoolId}`);
  return { sub: user, username: match.Username };
}

export const revokeRefreshToken = (cognito: CognitoIdentityProviderClient, clientId: string, token: string) =>
  attempt(() => cognito.send(new RevokeTokenCommand({ ClientId: clientId, Token: token })));

export const deleteAppClient = (cognito: CognitoIdentityProviderClient, userPoolId: string, clientId: string) =>
  attempt(() => cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId })));

/** Whether the app client still exists (false once DeleteUserPoolClient ran). */
export async function appClientExists(cognito: CognitoIdentityProviderClient, userPoolId: string, clientId: string): Promise<boolean> {
  try {
    await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

export async function describeAppClient(cognito: CognitoIdentityProviderClient, userPoolId: string, clientId: string) {
  const result = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  if (!result.UserPoolClient) throw new Error(`No app client ${clientId} in pool ${userPoolId}`);
  return result.UserPoolClient;
}
