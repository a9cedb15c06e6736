/**
 * `npm run admin -- <command>`: operator controls for revocations, the client registry and API
 * keys, on the local stack (--local) or a deployed stage (--stage, AWS credentials as usual).
 */
import { parseArgs } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key-commands.js';
import { listApps, revokeApp } from './app-commands.js';
import { registerClient } from './client-commands.js';
import { createOperatorClient, makeAdmin } from './operator-commands.js';
import { type Output, listRevocations, revoke, undo } from './revocation-commands.js';
import { type AdminTarget, resolveTarget } from './target.js';

export const HELP = `Usage: npm run admin -- <command> [options]

Revocations (effective within the authorizer cache TTL, authorizerCacheTtl, default 60 s):
  revoke token <access token | jti>     Refuse one access token. Given the token, its jti and expiry
                                        are read from it; given a bare jti, --expires-in (default 1d).
         [--family]                     Also refuse every access token of its refresh token (origin_jti).
  revoke refresh-token <token> --client-id <id>
                                        Cognito RevokeToken: no new access tokens from this refresh token.
  revoke user <username | e-mail | sub> Refuse every token of every session the user started until now,
                                        and sign the user out of Cognito (AdminUserGlobalSignOut).
  revoke client <client id>             Refuse every token of a client and mark it revoked in the registry.
         [--delete-app-client]          Also delete the Cognito app client (cannot be undone).
  list                                  Active revocations.
  undo <token|user|client> <jti | user | client id>
                                        Remove a revocation (a client is marked active again;
                                        refused for a client whose app client was deleted).
  Options: --reason <text>  --expires-in <30d|12h|...> (how long the row lives; defaults cover the
           longest token it can affect: for users, clients and refresh token families the longest
           refresh token lifetime, MAX_REFRESH_TOKEN_DAYS (default 3650, Cognito's ceiling; set it to the
           stage's maxRefreshTokenDays), plus a day for the last access token, plus 5 minutes)

Connected apps (what a user sees and ends at /apps):
  apps list --user <username | e-mail | sub>
                                        The applications holding access for the user, with how they
                                        registered, their scopes, first sign-in and last use.
  apps revoke --user <user> --client <app client id>
                                        End that application's access for that user, nothing else: its
                                        access tokens are refused within the authorizer cache TTL, its
                                        refresh tokens at /token; a new sign-in connects it again.

Client registry:
  client register <app client id> [--update] [--redirect-uri <uri>]...
                                        Accept tokens of an app client created outside dynamic client
                                        registration (console, CloudFormation): checks it exists, records
                                        its callback URLs as its redirect URIs and adds the facade's
                                        callback ({base}/oauth/callback) to the app client. --update
                                        does it again for a client already registered (for example one
                                        registered before the facade existed); it keeps the redirect
                                        URIs the registry has when the app client has no callback URL
                                        of its own besides the facade's. --redirect-uri (repeatable)
                                        records these instead. Needs --resource-url.

First admin after a deploy (the pool and MCP URL are found by the stage's names, or --user-pool-id/--resource-url):
  operator-client create [--name <name>] [--redirect-uri <uri>]...
                                        Creates the operator's app client (public, PKCE; scopes read, write,
                                        admin; the pool's identity providers) and registers it. Default
                                        name "operator console"; default redirect URIs the MCP Inspector's
                                        (http://localhost:6274/oauth/callback[/debug]) and
                                        http://localhost:53682/callback. Run again: finds it, refreshes them.
  user make-admin <e-mail | username> [--invite]
                                        Adds the user to mcp-admins; with --invite, a new user is created
                                        and Cognito e-mails a temporary password (AdminCreateUser).

API keys (for machine clients that cannot do OAuth; sent as "Authorization: Bearer mcpk_..."):
  api-key create --owner <name> [--scopes "read write"] [--expires-in 90d]
                                        Prints the key once; only its SHA-256 is stored.
  api-key list                          Keys with owner, state, scopes and expiry (never the key).
  api-key revoke <key id>               Refuse the key from now on. Rotate: create a new key, switch the
                                        client over, then revoke the old one (both work meanwhile).

Which stack:
  --local [--local-dir <dir>]           The running local stack (npm start): its stack.json in
                                        MCP_LOCAL_DATA_DIR (default .local), or in <dir>.
  --stage <stage> [--region <region>]   A deployed stage: tables secure-mcp-<stage>-*; AWS credentials
                                        and endpoints the usual AWS SDK way (profile, environment,
                                        AWS_ENDPOINT_URL_DYNAMODB / _COGNITO_IDENTITY_PROVIDER).
  --user-pool-id <id>                   Needed for user, apps, client register, undo client and --delete-app-client
                                        (or USER_POOL_ID; the stack output UserPoolId).
  --resource-url <url>                  The MCP URL, to name scopes of API keys (or MCP_RESOURCE_URL).
  --help                                This text.
`;

export async function runAdmin(argv: string[], out: Output = console.log, err: Output = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        local: { type: 'boolean' },
        'local-dir': { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        'user-pool-id': { type: 'string' },
        'resource-url': { type: 'string' },
        reason: { type: 'string' },
        'expires-in': { type: 'string' },
        family: { type: 'boolean' },
        'client-id': { type: 'string' },
        'delete-app-client': { type: 'boolean' },
        owner: { type: 'string' },
        scopes: { type: 'string' },
        update: { type: 'boolean' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        invite: { type: 'boolean' },
        user: { type: 'string' },
        client: { type: 'string' },
      },
    });
  } catch (error) {
    err(`Error: ${(error as Error).message}\nRun with --help for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub, argument] = positionals;
  if (values.help || !command) {
    out(HELP);
    return values.help ? 0 : 2;
  }
  let target: AdminTarget | undefined;
  try {
    target = resolveTarget({
      local: values['local-dir'] ?? values.local,
      stage: values.stage,
      region: values.region,
      userPoolId: values['user-pool-id'],
      resourceUrl: values['resource-url'],
    });
    switch (command) {
      case 'revoke':
        await revoke(target, sub, argument, {
          reason: values.reason,
          expiresIn: values['expires-in'],
          family: values.family,
          clientId: values['client-id'],
          deleteAppClient: values['delete-app-client'],
        }, out);
        break;
      case 'list':
        await listRevocations(target, out);
        break;
      case 'undo':
        await undo(target, sub, argument, out);
        break;
      case 'client':
        if (sub !== 'register') throw new Error('Usage: client register <app client id> [--update] [--redirect-uri <uri>]...');
        await registerClient(target, argument, out, { update: values.update === true, ...(values['redirect-uri'] ? { redirectUris: values['redirect-uri'] } : {}) });
        break;
      case 'operator-client':
        if (sub !== 'create') throw new Error('Usage: operator-client create [--name <name>] [--redirect-uri <uri>]...');
        await createOperatorClient(target, { name: values.name, redirectUris: values['redirect-uri'] }, out);
        break;
      case 'user':
        if (sub !== 'make-admin') throw new Error('Usage: user make-admin <e-mail | username> [--invite]');
        await makeAdmin(target, argument, { invite: values.invite }, out);
        break;
      case 'apps':
        if (sub === 'list') await listApps(target, values.user, out);
        else if (sub === 'revoke') await revokeApp(target, { user: values.user, clientId: values.client, expiresIn: values['expires-in'] }, out);
        else throw new Error('Usage: apps list --user <user> | apps revoke --user <user> --client <app client id>');
        break;
      case 'api-key':
        if (sub === 'create') await createApiKey(target, { owner: values.owner, scopes: values.scopes, expiresIn: values['expires-in'] }, out);
        else if (sub === 'list') await listApiKeys(target, out);
        else if (sub === 'revoke') await revokeApiKey(target, argument, out);
        else throw new Error('Usage: api-key create|list|revoke');
        break;
      default:
        throw new Error(`Unknown command "${command}"`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The AWS SDK's words when neither --region, AWS_REGION nor the profile names one.
    err(`Error: ${message}${message === 'Region is missing' ? ': pass --region <region> (or set AWS_REGION, or a region in your AWS profile)' : ''}`);
    return 1;
  } finally {
    target?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runAdmin(process.argv.slice(2));
}
