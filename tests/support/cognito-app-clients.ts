import { type CognitoIdentityProviderClient, ListUserPoolClientsCommand, type UserPoolClientDescription } from '@aws-sdk/client-cognito-identity-provider';

/** Every app client of the pool, following the listing's pages (tests register many). */
export async function listAppClients(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<UserPoolClientDescription[]> {
  const clients: UserPoolClientDescription[] = [];
  let next: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: next }));
    clients.push(...(page.UserPoolClients ?? []));
    next = page.NextToken;
  } while (next);
  return clients;
}
