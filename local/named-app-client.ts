import { type CognitoIdentityProviderClient, CreateUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describeAppClient } from '../admin/cognito-calls.js';
import { updateAppClient } from '../admin/client-commands.js';
import { LOCAL_USER_POOL_ID } from './settings.js';

/** The settings of a local app client that name the stack's address, and so follow MCP_LOCAL_PORT. */
export interface AddressSettings {
  AllowedOAuthScopes: string[];
  CallbackURLs: string[];
}

/** Whether a saved app client's address settings differ from the wanted ones (order aside). */
export function addressSettingsDiffer(saved: Partial<Record<keyof AddressSettings, string[] | undefined>>, wanted: AddressSettings): boolean {
  const same = (a: string[] | undefined, b: string[]) => a !== undefined && a.length === b.length && b.every((value) => a.includes(value));
  return !same(saved.AllowedOAuthScopes, wanted.AllowedOAuthScopes) || !same(saved.CallbackURLs, wanted.CallbackURLs);
}

/**
 * The local pool's public code-flow app client of this name: created once, then reused, keeping its
 * id. One saved by a start on another MCP_LOCAL_PORT names the old address (every sign-in would fail
 * with invalid_scope or a callback mismatch), so its address settings are brought up to date.
 */
export async function ensureNamedAppClient(
  cognito: CognitoIdentityProviderClient,
  name: string,
  address: AddressSettings,
  extra: { EnableTokenRevocation?: boolean } = {},
): Promise<string> {
  const listed = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: LOCAL_USER_POOL_ID, MaxResults: 60 }));
  const existing = listed.UserPoolClients?.find((client) => client.ClientName === name)?.ClientId;
  if (existing) {
    const saved = await describeAppClient(cognito, LOCAL_USER_POOL_ID, existing);
    if (addressSettingsDiffer(saved, address)) await updateAppClient(cognito, saved, address);
    return existing;
  }
  const created = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: LOCAL_USER_POOL_ID,
      ClientName: name,
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      SupportedIdentityProviders: ['COGNITO'],
      ...address,
      ...extra,
    }),
  );
  if (!created.UserPoolClient?.ClientId) throw new Error('cognito-local returned no client id');
  return created.UserPoolClient.ClientId;
}
