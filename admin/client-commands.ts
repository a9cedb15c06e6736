import {
  type CognitoIdentityProviderClient,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { checkRedirectUri } from '../dcr/redirect-uri.js';
import { type OperatorRegistration, clientItem, isCimdAlias, operatorClientRecord, operatorClientUpdate, parseClientItem } from '../lib/client-record.js';
import { describeAppClient } from './cognito-calls.js';
import type { Output } from './revocation-commands.js';
import { type AdminTarget, requireUserPoolId } from './target.js';

/**
 * Registers an app client created outside DCR (console, CloudFormation, CLI) in the client
 * registry: the authorizer refuses tokens of clients it does not know, operators' own included.
 * Since the facade (oauth/) runs the sign-in, the row also carries the client's redirect URIs
 * (its Cognito callback URLs other than the facade's) and its authentication method, and the app
 * client gets the facade callback, without which Cognito refuses to send the user back.
 */
export interface RegisterOptions {
  /** Refresh an existing row (redirect URIs, method, name) instead of refusing it. */
  update?: boolean;
  /**
   * The redirect URIs to record; default: the app client's callback URLs minus the facade's, or,
   * on --update when the app client has none of its own, the ones the row already has.
   */
  redirectUris?: string[];
}

/**
 * The redirect URIs a registration records, and where they came from. An app client whose only
 * Cognito callback is the facade's (every client made for the facade, the local operator client
 * among them) keeps its URIs in the registry alone: --update must not wipe them.
 */
export function chooseRedirectUris(
  given: string[] | undefined,
  ownCallbacks: string[],
  registered: string[] | undefined,
): { uris: string[]; from: 'given' | 'cognito' | 'registry' | 'none' } {
  if (given !== undefined) return { uris: given, from: 'given' };
  if (ownCallbacks.length > 0) return { uris: ownCallbacks, from: 'cognito' };
  if (registered && registered.length > 0) return { uris: registered, from: 'registry' };
  return { uris: [], from: 'none' };
}

/** Refuses what no sign-in could use: the same rules as for dynamically registered clients. */
function checkGivenRedirectUris(uris: string[] | undefined): void {
  for (const uri of uris ?? []) {
    const check = checkRedirectUri(uri);
    if (!check.ok) throw new Error(`--redirect-uri ${uri}: ${check.reason}`);
  }
}

/** The facade's callback, from the MCP resource URL ({base}/mcp); unknown without it. */
export function facadeCallbackUrl(target: Pick<AdminTarget, 'resourceUrl'>): string | undefined {
  if (!target.resourceUrl) return undefined;
  return `${target.resourceUrl.replace(/\/+$/, '').replace(/\/mcp$/, '')}/oauth/callback`;
}

// UpdateUserPoolClient resets every setting it is not given: copy all of them.
const UPDATABLE = [
  'ClientName', 'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits', 'ReadAttributes',
  'WriteAttributes', 'ExplicitAuthFlows', 'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI',
  'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient', 'AnalyticsConfiguration',
  'PreventUserExistenceErrors', 'EnableTokenRevocation', 'EnablePropagateAdditionalUserContextData', 'AuthSessionValidity',
  'RefreshTokenRotation',
] as const;

/** Changes some settings of an app client (as DescribeUserPoolClient gave it) and keeps all the others. */
export async function updateAppClient(
  cognito: CognitoIdentityProviderClient,
  appClient: UserPoolClientType,
  changes: Pick<UpdateUserPoolClientCommandInput, 'CallbackURLs' | 'AllowedOAuthScopes'>,
): Promise<void> {
  const input: Record<string, unknown> = { UserPoolId: appClient.UserPoolId, ClientId: appClient.ClientId };
  for (const key of UPDATABLE) if (appClient[key] !== undefined) input[key] = appClient[key];
  await cognito.send(new UpdateUserPoolClientCommand({ ...(input as unknown as UpdateUserPoolClientCommandInput), ...changes }));
}

async function addFacadeCallback(cognito: CognitoIdentityProviderClient, appClient: UserPoolClientType, callback: string | undefined) {
  if (callback === undefined) return false;
  if (!appClient.AllowedOAuthFlows?.includes('code') || appClient.CallbackURLs?.includes(callback)) return false;
  await updateAppClient(cognito, appClient, { CallbackURLs: [...(appClient.CallbackURLs ?? []), callback] });
  return true;
}

export async function registerClient(
  target: AdminTarget,
  clientId: string | undefined,
  out: Output,
  options: RegisterOptions = {},
): Promise<void> {
  if (!clientId) throw new Error('Usage: client register <app client id> [--update] [--redirect-uri <uri>]...');
  checkGivenRedirectUris(options.redirectUris);
  const appClient = await describeAppClient(target.cognito, requireUserPoolId(target), clientId);
  const callback = facadeCallbackUrl(target);
  const registered = options.update ? await registeredRedirectUris(target, clientId) : undefined;
  const redirects = chooseRedirectUris(options.redirectUris, (appClient.CallbackURLs ?? []).filter((uri) => uri !== callback), registered);
  const fields: OperatorRegistration = {
    clientId,
    clientName: appClient.ClientName ?? clientId,
    redirectUris: redirects.uris,
    tokenEndpointAuthMethod: appClient.ClientSecret ? 'client_secret_basic' : 'none',
  };
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (options.update) {
    const changes = Object.entries(operatorClientUpdate(fields, nowSeconds));
    try {
      await target.documents.send(
        new UpdateCommand({
          TableName: target.tables.clients,
          Key: { clientId },
          UpdateExpression: `SET ${changes.map(([name]) => `#${name} = :${name}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(clientId) AND #source = :manual',
          ExpressionAttributeNames: { '#source': 'source', ...Object.fromEntries(changes.map(([name]) => [`#${name}`, name])) },
          ExpressionAttributeValues: { ':manual': 'manual', ...Object.fromEntries(changes.map(([name, value]) => [`:${name}`, value])) },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new Error(`Client ${clientId} is not an operator-registered client in the registry`);
      throw error;
    }
  } else {
    try {
      await target.documents.send(
        new PutCommand({
          TableName: target.tables.clients,
          Item: clientItem(operatorClientRecord(fields, nowSeconds)),
          ConditionExpression: 'attribute_not_exists(clientId)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        out(`Client ${clientId} is already in the registry (use --update to refresh its redirect URIs)`);
        return;
      }
      throw error;
    }
  }
  const added = await addFacadeCallback(target.cognito, appClient, callback);
  out(
    `${options.update ? 'Updated' : 'Registered'} app client ${clientId} (${appClient.ClientName ?? 'no name'}): its tokens are now accepted; ` +
      `redirect URIs ${fields.redirectUris.join(' ') || '(none: it cannot use /authorize; name them with --redirect-uri <uri>)'}` +
      (redirects.from === 'registry' ? ' (kept from the registry: the app client has no callback URL of its own)' : '') +
      (added ? `; added ${callback} to its Cognito callback URLs` : '') +
      (callback === undefined ? '; pass --resource-url (the MCP endpoint URL) to give it the facade callback it needs to sign users in' : ''),
  );
}

async function registeredRedirectUris(target: AdminTarget, clientId: string): Promise<string[] | undefined> {
  const found = await target.documents.send(new GetCommand({ TableName: target.tables.clients, Key: { clientId } }));
  if (!found.Item) return undefined;
  // A row that does not parse stops the update here, with the parse's reason (MalformedClientRecordError).
  const row = parseClientItem(found.Item);
  return isCimdAlias(row) ? undefined : row.redirectUris;
}
