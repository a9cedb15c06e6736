import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  CreateUserPoolClientCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SCOPE_NAMES, fullScope } from '../lib/oauth/scopes.js';
import { facadeCallbackUrl, registerClient } from './client-commands.js';
import type { Output } from './revocation-commands.js';
import { discoverStack, discoverUserPoolId, identityProvidersOf } from './stack-discovery.js';
import type { AdminTarget } from './target.js';

/**
 * The first day after `serverless deploy`: the operator's own app client (the only kind through
 * which mcpGroupScopes grant `admin`), and the first members of mcp-admins.
 */

/** The Cognito group whose members get the admin scope through operator clients (mcpGroupScopes default). */
export const ADMIN_GROUP = 'mcp-admins';
export const OPERATOR_CLIENT_NAME = 'operator console';
/**
 * Where the operator's tools receive the code by default: the MCP Inspector (its default port,
 * normal and debug flows) and a loopback helper such as `npm run verify`. The facade checks them;
 * Cognito itself only ever sees the facade's callback.
 */
export const DEFAULT_OPERATOR_REDIRECT_URIS = [
  'http://localhost:6274/oauth/callback',
  'http://localhost:6274/oauth/callback/debug',
  'http://localhost:53682/callback',
];

export interface OperatorClientOptions {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  /** SupportedIdentityProviders; default COGNITO plus every identity provider of the pool. */
  identityProviders?: string[] | undefined;
}

/**
 * Creates (or finds, by name) a public app client with the read, write and admin scopes, the
 * facade's callback and the pool's identity providers, and registers it as operator-registered
 * with the given redirect URIs. Run again, it changes nothing in Cognito and refreshes the
 * registry row's redirect URIs.
 */
export async function createOperatorClient(target: AdminTarget, options: OperatorClientOptions, out: Output): Promise<string> {
  const { userPoolId, resourceUrl } = await discoverStack(target);
  const stack: AdminTarget = { ...target, userPoolId, resourceUrl };
  const name = options.name ?? OPERATOR_CLIENT_NAME;
  const redirectUris = options.redirectUris && options.redirectUris.length > 0 ? options.redirectUris : DEFAULT_OPERATOR_REDIRECT_URIS;
  for (const uri of redirectUris) {
    if (!/^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/])/.test(uri)) throw new Error(`--redirect-uri ${uri}: must be https, or http on a loopback host`);
  }
  let clientId = await appClientNamed(stack, userPoolId, name);
  const existed = clientId !== undefined;
  if (!clientId) {
    // cognito-local has no ListIdentityProviders (and no federation): the local stack signs in with COGNITO only.
    const providers = options.identityProviders ?? ['COGNITO', ...(target.stage === 'local' ? [] : await identityProvidersOf(target.cognito, userPoolId))];
    const created = await target.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: name,
        // A public client (PKCE): the operator's tools are desktop and CLI programs that cannot keep a secret.
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: SCOPE_NAMES.map((scope) => fullScope(resourceUrl, scope)),
        // Cognito sends every sign-in to the facade; the tools' own redirect URIs are in the registry.
        CallbackURLs: [facadeCallbackUrl(stack)!],
        SupportedIdentityProviders: providers,
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        // An admin session is short: one hour per access token, a new sign-in every day.
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 1,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    clientId = created.UserPoolClient?.ClientId;
    if (!clientId) throw new Error('Cognito returned no client id');
  }
  const registered = await target.documents.send(new GetCommand({ TableName: target.tables.clients, Key: { clientId } }));
  await registerClient(stack, clientId, out, { redirectUris, update: registered.Item !== undefined });
  out(
    [
      '',
      `Operator client: ${clientId} ("${name}", ${existed ? 'found in' : 'created in'} pool ${userPoolId}), a public client (PKCE, no secret)`,
      `MCP endpoint:    ${resourceUrl}`,
      `Redirect URIs:   ${redirectUris.join(' ')}`,
      'Next: make yourself an admin (npm run admin -- user make-admin <e-mail> --invite ...), then sign in with this',
      'client id: MCP Inspector (Authentication > OAuth Client ID), or npm run verify with --user/--password.',
    ].join('\n'),
  );
  return clientId;
}

async function appClientNamed(target: AdminTarget, userPoolId: string, name: string): Promise<string | undefined> {
  let token: string | undefined;
  do {
    const page = await target.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, ...(token ? { NextToken: token } : {}) }));
    const found = page.UserPoolClients?.find((client) => client.ClientName === name);
    if (found?.ClientId) return found.ClientId;
    token = page.NextToken;
  } while (token);
  return undefined;
}

/**
 * Puts a user in mcp-admins. An existing user (local, or federated: `Provider_id` usernames) is
 * added as is; a new one is invited with --invite: AdminCreateUser with the e-mail address, and
 * Cognito e-mails a temporary password, which the user replaces at the first sign-in.
 */
export async function makeAdmin(target: AdminTarget, user: string | undefined, options: { invite?: boolean | undefined }, out: Output): Promise<void> {
  if (!user) throw new Error('Usage: user make-admin <e-mail | username> [--invite]');
  const userPoolId = await discoverUserPoolId(target);
  let found: AdminGetUserCommandOutput | undefined;
  try {
    found = await target.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user }));
  } catch (error) {
    if ((error as Error).name !== 'UserNotFoundException') throw error;
  }
  let username = found?.Username;
  if (!found) {
    if (!options.invite) throw new Error(`No user "${user}" in pool ${userPoolId}; add --invite to invite ${user} by e-mail`);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(user)) throw new Error(`--invite needs an e-mail address, not "${user}"`);
    const created = await target.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user,
        // Verified: the invitation itself goes to this address, and password recovery uses it.
        UserAttributes: [
          { Name: 'email', Value: user },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    username = created.User?.Username ?? user;
    out(`Invited ${user}: Cognito e-mailed a temporary password (valid for the pool's TemporaryPasswordValidityDays); the user sets their own at the first sign-in.`);
  } else if (options.invite) {
    out(`${user} already exists (status ${found.UserStatus ?? 'unknown'}): not invited again.`);
  }
  await target.cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: ADMIN_GROUP }));
  out(
    `${user} is a member of ${ADMIN_GROUP}: signed in through an operator client (npm run admin -- operator-client create), ` +
      'their tokens carry the admin scope (mcpGroupScopes). Tokens issued before keep their scopes until they expire.',
  );
}
