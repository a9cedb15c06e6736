import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HELP } from '../../admin/cli.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { localAdminRunner } from '../support/admin-runner.js';
import { listToolNames, scopeOf } from '../support/mcp-calls.js';
import { signInDemoUser } from '../support/demo-login.js';

/**
 * The README's walk from `serverless deploy` to the first admin, on the local stack: create the
 * operator client, make a user an admin (invited, or existing), sign in through that client and
 * reach the admin tools. Discovery of a deployed stage by its names (ListUserPools,
 * ListResourceServers) cannot run here: cognito-local has no resource servers, and the local
 * stack's stack.json names the pool and the MCP URL (--local-dir).
 */
describe('npm run admin: operator-client create and user make-admin (local stack)', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  afterAll(() => {
    cognito.destroy();
    dynamoDb.destroy();
  });
  const pool = { UserPoolId: stack.userPoolId };
  const adminTools = ['users_revocation_status', 'users_revoke_tokens'];
  const CLIENTS_TABLE = 'secure-mcp-local-clients';

  const admin = localAdminRunner(stack.dataDir);
  const clientIdIn = (output: string) => /Operator client: (\S+)/.exec(output)?.[1] ?? '';
  const signIn = (clientId: string, user: { username: string; password: string }) =>
    signInDemoUser(stack, { clientId, user, scope: ['read', 'write', 'admin'].map((name) => scopeOf(stack, name as 'read')).join(' ') });

  it('documents both commands in --help', () => {
    expect(HELP).toContain('operator-client create');
    expect(HELP).toContain('user make-admin <e-mail | username> [--invite]');
  });

  it('creates the operator client in Cognito and the registry, and finds it again on a second run', async () => {
    const name = `operator ${crypto.randomUUID().slice(0, 8)}`;
    const first = await admin('operator-client', 'create', '--name', name);
    expect(first).toMatchObject({ code: 0, err: '' });
    const clientId = clientIdIn(first.out);
    expect(first.out).toContain(`("${name}", created in pool ${stack.userPoolId})`);

    const { UserPoolClient: client } = await cognito.send(new DescribeUserPoolClientCommand({ ...pool, ClientId: clientId }));
    expect(client).toMatchObject({
      ClientName: name,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['read', 'write', 'admin'].map((scope) => `${stack.mcpUrl}/${scope}`),
      CallbackURLs: [`${stack.baseUrl}/oauth/callback`],
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(client?.ClientSecret).toBeUndefined();
    const { Item: row } = await documents.send(new GetCommand({ TableName: CLIENTS_TABLE, Key: { clientId } }));
    expect(row).toMatchObject({
      source: 'manual',
      status: 'active',
      tokenEndpointAuthMethod: 'none',
      redirectUris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug', 'http://localhost:53682/callback'],
    });

    const again = await admin('operator-client', 'create', '--name', name, '--redirect-uri', 'http://localhost:53682/callback');
    expect(again.code).toBe(0);
    expect(clientIdIn(again.out)).toBe(clientId);
    expect(again.out).toContain('found in pool');
    const { Item: updated } = await documents.send(new GetCommand({ TableName: CLIENTS_TABLE, Key: { clientId } }));
    expect(updated?.redirectUris).toEqual(['http://localhost:53682/callback']);
  });

  it('invites a new admin by e-mail; the admin signs in through the operator client and gets the admin tools, another user does not', async () => {
    const created = await admin('operator-client', 'create', '--name', `operator ${crypto.randomUUID().slice(0, 8)}`);
    const clientId = clientIdIn(created.out);
    const email = `admin-${crypto.randomUUID().slice(0, 8)}@example.com`;

    const invited = await admin('user', 'make-admin', email, '--invite');
    expect(invited).toMatchObject({ code: 0, err: '' });
    expect(invited.out).toContain(`Invited ${email}: Cognito e-mailed a temporary password`);
    expect(invited.out).toContain(`${email} is a member of mcp-admins`);
    const user = await cognito.send(new AdminGetUserCommand({ ...pool, Username: email }));
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
    // By the pool's own username (cognito-local matches group members by the name given, not by alias).
    const groups = await cognito.send(new AdminListGroupsForUserCommand({ ...pool, Username: user.Username }));
    expect(groups.Groups?.map((group) => group.GroupName)).toContain('mcp-admins');

    // The user's first sign-in replaces the e-mailed temporary password; cognito-local's login page
    // has no new-password step, so the test sets the permanent password the user would choose.
    const password = 'Admin-password-1';
    await cognito.send(new AdminSetUserPasswordCommand({ ...pool, Username: email, Password: password, Permanent: true }));
    const session = await signIn(clientId, { username: email, password });
    expect(await listToolNames(stack, session.accessToken)).toEqual(expect.arrayContaining(adminTools));

    // The same client, a user outside mcp-admins: no admin tools (the admin scope is group-gated).
    const other = `user-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await cognito.send(new AdminCreateUserCommand({ ...pool, Username: other, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: other }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ ...pool, Username: other, Password: password, Permanent: true }));
    const otherSession = await signIn(clientId, { username: other, password });
    const otherTools = await listToolNames(stack, otherSession.accessToken);
    for (const tool of adminTools) expect(otherTools).not.toContain(tool);

    // Made an admin afterwards (an existing user, no invitation): the next sign-in has the admin tools.
    const promoted = await admin('user', 'make-admin', other);
    expect(promoted).toMatchObject({ code: 0, err: '' });
    expect(promoted.out).not.toContain('Invited');
    const promotedSession = await signIn(clientId, { username: other, password });
    expect(await listToolNames(stack, promotedSession.accessToken)).toEqual(expect.arrayContaining(adminTools));
  });

  it('refuses an unknown user without --invite, --invite without an e-mail address, and a non-loopback http redirect URI', async () => {
    const unknown = `nobody-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect(await admin('user', 'make-admin', unknown)).toMatchObject({ code: 1, err: `Error: No user "${unknown}" in pool ${stack.userPoolId}; add --invite to invite ${unknown} by e-mail` });
    await expect(cognito.send(new AdminGetUserCommand({ ...pool, Username: unknown }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(await admin('user', 'make-admin', 'not-an-address', '--invite')).toMatchObject({ code: 1, err: 'Error: --invite needs an e-mail address, not "not-an-address"' });
    expect(await admin('user', 'make-admin')).toMatchObject({ code: 1, err: 'Error: Usage: user make-admin <e-mail | username> [--invite]' });
    expect(await admin('operator-client', 'create', '--redirect-uri', 'http://example.com/cb')).toMatchObject({
      code: 1,
      err: 'Error: --redirect-uri http://example.com/cb: must be https, or http on a loopback host',
    });
  });
});
