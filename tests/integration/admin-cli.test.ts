import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { HELP, runAdmin } from '../../admin/cli.js';
import { type OperatorClientRecord, operatorClientRecord, parseClientItem } from '../../lib/client-record.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { PROJECT_ROOT } from '../../local/settings.js';
import { OPERATOR_CLIENT_REDIRECT_URIS } from '../../local/operator-client.js';
import { authorizeThroughFacade } from '../support/authorization-code.js';
import { copyTableDefinition } from '../support/scratch-tables.js';
import { localAdminRunner } from '../support/admin-runner.js';
import { initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';

/** The operator CLI against the local stack, each effect checked through the real API (/mcp). */
describe('npm run admin (local stack: DynamoDB Local, cognito-local, serverless-offline)', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  afterAll(() => {
    cognito.destroy();
    dynamoDb.destroy();
  });

  const admin = localAdminRunner(stack.dataDir);
  const status = async (token: string) => (await mcpPost(stack, initializeRequest, { token })).status;

  /** A user of its own, so that revoking it cannot disturb other tests signed in as the demo user. */
  async function newUser() {
    const username = `user-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = 'Test-password-1';
    const pool = { UserPoolId: stack.userPoolId };
    const created = await cognito.send(
      new AdminCreateUserCommand({ ...pool, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: username }] }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ ...pool, Username: username, Password: password, Permanent: true }));
    const sub = created.User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? '';
    const user = { username, password, sub };
    return { ...user, signIn: () => signInDemoUser({ ...stack, demoUser: user }) };
  }

  it('documents itself with --help, through npm run admin as the README says', () => {
    const output = execFileSync('npm', ['run', '-s', 'admin', '--', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(output).toContain('Usage: npm run admin -- <command> [options]');
    for (const command of ['revoke token', 'revoke user', 'revoke client', 'revoke refresh-token', 'list', 'undo', 'client register', 'api-key create', 'api-key list', 'api-key revoke']) {
      expect(HELP).toContain(command);
    }
  });

  it('finds the stack with --local wherever MCP_LOCAL_DATA_DIR put it (absolute, or relative to the project like npm start)', async () => {
    const list = async (dataDir: string) => {
      vi.stubEnv('MCP_LOCAL_DATA_DIR', dataDir);
      try {
        const err: string[] = [];
        return { code: await runAdmin(['list', '--local'], () => {}, (line) => err.push(line)), err: err.join('\n') };
      } finally {
        vi.unstubAllEnvs();
      }
    };
    expect(await list(stack.dataDir)).toEqual({ code: 0, err: '' });
    const empty = mkdtempSync(join(tmpdir(), 'mcp-no-stack-'));
    try {
      expect(await list(empty)).toEqual({ code: 1, err: expect.stringContaining(`No running local stack found (${join(empty, 'stack.json')})`) });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    // Through `npm run admin` as the README says, from a subdirectory and with a relative path: npm
    // runs the script at the project root, where `npm start` resolved the same variable.
    const viaNpm = spawnSync('npm', ['run', '-s', 'admin', '--', 'list', '--local'], {
      cwd: join(PROJECT_ROOT, 'tests'),
      env: { ...process.env, MCP_LOCAL_DATA_DIR: relative(PROJECT_ROOT, stack.dataDir) },
      encoding: 'utf8',
    });
    expect({ status: viaNpm.status, stderr: viaNpm.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('refuses unknown commands and missing stack names with a clear error and exit code', async () => {
    expect(await admin('frobnicate')).toMatchObject({ code: 1, err: 'Error: Unknown command "frobnicate"' });
    expect(await runAdmin(['list'], () => {}, () => {})).toBe(1);
    expect(await admin('revoke', 'token')).toMatchObject({ code: 1, err: expect.stringContaining('Usage: revoke token') });
    expect(await admin('list', '--bogus')).toMatchObject({ code: 2 });
  });

  it('revokes a token (read from the token itself), lists it, and undoes it', async () => {
    const session = await signInDemoUser(stack);
    expect(await status(session.accessToken)).toBe(200);
    const jti = JSON.parse(Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString()).jti as string;

    const revoked = await admin('revoke', 'token', session.accessToken, '--reason', 'leaked in a log');
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked token jti ${jti}`);
    expect(await status(session.accessToken)).toBe(401);
    expect((await admin('list')).out).toMatch(new RegExp(`jti\\t${jti}\\t.*leaked in a log`));

    expect((await admin('undo', 'token', jti)).out).toBe(`Removed the jti revocation of ${jti}`);
    expect(await status(session.accessToken)).toBe(200);
    expect((await admin('undo', 'token', jti)).out).toBe(`No jti revocation of ${jti}`);
  });

  it('revokes a user by e-mail: sessions started before are refused, a new sign-in works; Cognito sign-out reported as unsupported', async () => {
    const user = await newUser();
    const before = await user.signIn();
    expect(await status(before.accessToken)).toBe(200);

    const result = await admin('revoke', 'user', user.username);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Revoked every session of user`);
    expect(result.out).toContain(`(sub ${user.sub})`);
    // cognito-local lacks AdminUserGlobalSignOut: said plainly, and the revocation stands.
    expect(result.out).toContain('Cognito: AdminUserGlobalSignOut (refresh tokens): not supported by this Cognito endpoint');
    expect(await status(before.accessToken)).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 1100)); // a sign-in in a later second
    const after = await user.signIn();
    expect(await status(after.accessToken)).toBe(200);

    expect((await admin('undo', 'user', user.username)).out).toBe(`Removed the user revocation of ${user.sub}`);
    expect(await status(before.accessToken)).toBe(200);
  });

  it('revokes a client (registry marked revoked), undoes it, and can delete the Cognito app client', async () => {
    const session = await signInDemoUser(stack);
    expect((await admin('revoke', 'client', session.clientId)).out).toContain('Client registry: marked revoked');
    expect(await status(session.accessToken)).toBe(401);
    const row = await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId: session.clientId } }));
    expect(row.Item?.status).toBe('revoked');

    expect((await admin('undo', 'client', session.clientId)).out).toContain('Client registry: marked active again');
    expect(await status(session.accessToken)).toBe(200);

    const deleted = await admin('revoke', 'client', session.clientId, '--delete-app-client');
    expect(deleted.out).toContain('Cognito: DeleteUserPoolClient: done');
    await expect(
      cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: session.clientId })),
    ).rejects.toThrow();
    expect(await status(session.accessToken)).toBe(401);

    // The app client is gone: undo says so and changes nothing (it used to say "marked active again").
    const undone = await admin('undo', 'client', session.clientId);
    expect(undone).toMatchObject({ code: 1, out: '', err: expect.stringContaining(`The app client ${session.clientId} no longer exists`) });
    expect(undone.err).toContain('nothing was changed');
    expect(undone.err).toContain('client register <new app client id>');
    const after = await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId: session.clientId } }));
    expect(after.Item?.status).toBe('revoked');
    expect((await admin('list')).out).toContain(`client\t${session.clientId}\t`);
    expect(await status(session.accessToken)).toBe(401);
  });

  it('revokes a refresh token in Cognito (RevokeToken): it no longer refreshes', async () => {
    const session = await signInDemoUser(stack);
    const refresh = () =>
      fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: session.clientId, refresh_token: session.refreshToken }),
      });
    expect((await refresh()).status).toBe(200);
    const result = await admin('revoke', 'refresh-token', session.refreshToken, '--client-id', session.clientId);
    expect(result).toMatchObject({ code: 0, out: 'Cognito: RevokeToken: done' });
    expect((await refresh()).status).toBe(400);
    expect(await admin('revoke', 'refresh-token', session.refreshToken)).toMatchObject({ code: 1, err: expect.stringContaining('--client-id') });
  });

  it('registers an app client created outside DCR so that its tokens are accepted', async () => {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientName: 'operators-own', ExplicitAuthFlows: ['USER_PASSWORD_AUTH'] }),
    );
    const clientId = created.UserPoolClient!.ClientId!;
    const auth = await cognito.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: stack.demoUser.username, PASSWORD: stack.demoUser.password },
      }),
    );
    const token = auth.AuthenticationResult!.AccessToken!;
    expect(await status(token)).toBe(401);
    expect((await admin('client', 'register', clientId)).out).toContain(`Registered app client ${clientId} (operators-own)`);
    // The row is an operator record as lib/client-record.ts describes it, and nothing else (read before its first use).
    const row = (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId } }))).Item!;
    const registration = { clientId, clientName: 'operators-own', redirectUris: [], tokenEndpointAuthMethod: 'none' as const };
    expect(parseClientItem(row)).toEqual(operatorClientRecord(registration, row.createdAt as number));
    expect(row).toEqual(operatorClientRecord(registration, row.createdAt as number));
    expect(await status(token)).toBe(200);
    expect((await admin('client', 'register', clientId)).out).toBe(`Client ${clientId} is already in the registry (use --update to refresh its redirect URIs)`);
    expect(await admin('client', 'register', 'no-such-client')).toMatchObject({ code: 1 });
  });

  it('client register --update keeps the redirect URIs of a client whose only Cognito callback is the facade (the operator client): sign-in still works', async () => {
    const registryRow = async (clientId: string) =>
      (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId } }))).Item;
    const updated = await admin('client', 'register', stack.operatorClientId, '--update');
    expect(updated.code).toBe(0);
    expect(updated.out).toContain(`redirect URIs ${OPERATOR_CLIENT_REDIRECT_URIS.join(' ')} (kept from the registry`);
    expect((await registryRow(stack.operatorClientId))?.redirectUris).toEqual(OPERATOR_CLIENT_REDIRECT_URIS);
    const run = await authorizeThroughFacade(stack, { clientId: stack.operatorClientId, redirectUri: 'http://localhost:53682/callback' });
    expect(run.redirect.searchParams.get('code')).toBeTruthy();

    // A client made for the facade, as an operator would: its redirect URIs named with --redirect-uri,
    // kept by a plain --update, replaced only by a new --redirect-uri; a URI no sign-in could use refused.
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: stack.userPoolId,
        ClientName: 'operators-facade-client',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: [`${stack.mcpUrl}/read`],
        CallbackURLs: [`${stack.baseUrl}/oauth/callback`],
        SupportedIdentityProviders: ['COGNITO'],
      }),
    );
    const clientId = created.UserPoolClient!.ClientId!;
    expect((await admin('client', 'register', clientId, '--redirect-uri', 'http://127.0.0.1/cb', '--redirect-uri', 'https://app.example.com/cb')).code).toBe(0);
    expect((await registryRow(clientId))?.redirectUris).toEqual(['http://127.0.0.1/cb', 'https://app.example.com/cb']);
    expect((await admin('client', 'register', clientId, '--update')).code).toBe(0);
    expect((await registryRow(clientId))?.redirectUris).toEqual(['http://127.0.0.1/cb', 'https://app.example.com/cb']);
    // An update is recorded like an RFC 7592 one (updatedAt), and the row still parses as an operator record.
    const updatedRow = parseClientItem((await registryRow(clientId))!) as OperatorClientRecord;
    expect(updatedRow).toMatchObject({ source: 'manual', tokenEndpointAuthMethod: 'none', updatedAt: expect.any(Number) });
    expect(updatedRow.updatedAt).toBeGreaterThanOrEqual(updatedRow.createdAt);
    expect((await admin('client', 'register', clientId, '--update', '--redirect-uri', 'https://app.example.com/new')).out).toMatch(/redirect URIs https:\/\/app.example.com\/new$/);
    expect((await registryRow(clientId))?.redirectUris).toEqual(['https://app.example.com/new']);
    expect(await admin('client', 'register', clientId, '--update', '--redirect-uri', 'javascript:alert(1)')).toMatchObject({
      code: 1,
      err: expect.stringContaining('--redirect-uri javascript:alert(1): '),
    });
    expect((await registryRow(clientId))?.redirectUris).toEqual(['https://app.example.com/new']);
  });

  it('creates API keys shown once, accepts two at once for rotation, revokes one, lists them', async () => {
    const owner = `bot-${crypto.randomUUID().slice(0, 6)}`;
    const create = async () => {
      const result = await admin('api-key', 'create', '--owner', owner, '--scopes', 'read write', '--expires-in', '7d');
      expect(result.code).toBe(0);
      const lines = result.out.split('\n');
      const key = lines.at(-1)!;
      expect(key).toMatch(/^mcpk_[A-Za-z0-9_-]{51}$/);
      return { key, id: /Created API key (key_[0-9a-f]+)/.exec(lines[0]!)![1]! };
    };
    const first = await create();
    const second = await create();

    const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
    const whoami = await (await mcpPost(stack, call, { token: first.key })).json();
    expect(whoami.result.structuredContent).toMatchObject({
      email: null,
      sub: owner,
      username: owner,
      clientId: `api-key:${first.id}`,
      scopes: [`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`],
    });
    expect(await status(second.key)).toBe(200);

    expect((await admin('api-key', 'revoke', first.id)).out).toBe(`Revoked API key ${first.id} of ${owner}`);
    expect(await status(first.key)).toBe(401);
    expect(await status(second.key)).toBe(200);

    const listed = (await admin('api-key', 'list')).out;
    expect(listed).toMatch(new RegExp(`${first.id}\\t${owner}\\trevoked`));
    expect(listed).toMatch(new RegExp(`${second.id}\\t${owner}\\tactive`));
    expect(listed).not.toContain(first.key);
    expect(listed).not.toContain(second.key);
  });

  it("runs the README's production API-key command as written (DynamoDB Local standing in for AWS), and names what is missing without it", async () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const command = /`(npm run admin -- api-key create --owner my-bot[^`]*--stage prod[^`]*)`/.exec(readme)?.[1];
    expect(command).toBeDefined();
    const words = [...command!.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
    expect(words.slice(0, 3)).toEqual(['npm', 'run', 'admin']);
    const args = words.slice(4); // after "--"
    await copyTableDefinition(dynamoDb, 'secure-mcp-local-api-keys', 'secure-mcp-prod-api-keys');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', stack.dynamoDbEndpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('MCP_RESOURCE_URL', undefined);
    try {
      const out: string[] = [];
      const err: string[] = [];
      expect(await runAdmin(args, (line) => out.push(line), (line) => err.push(line))).toBe(0);
      expect(err).toEqual([]);
      expect(out[0]).toMatch(/^Created API key key_[0-9a-f]+ for my-bot, scopes https:\/\/mcp\.example\.com\/mcp\/read https:\/\/mcp\.example\.com\/mcp\/write, expires /);
      expect(out.at(-1)).toMatch(/^mcpk_/);
      // Without the flags the README adds, each missing one is named.
      const without = (flag: string) => {
        const index = args.indexOf(flag);
        return [...args.slice(0, index), ...args.slice(index + 2)];
      };
      const withoutUrl: string[] = [];
      expect(await runAdmin(without('--resource-url'), () => {}, (line) => withoutUrl.push(line))).toBe(1);
      expect(withoutUrl.join('\n')).toContain('--resource-url <url>');
      vi.stubEnv('AWS_CONFIG_FILE', join(tmpdir(), 'no-such-aws-config'));
      const withoutRegion: string[] = [];
      expect(await runAdmin(without('--region'), () => {}, (line) => withoutRegion.push(line))).toBe(1);
      expect(withoutRegion).toEqual(['Error: Region is missing: pass --region <region> (or set AWS_REGION, or a region in your AWS profile)']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses bad API key input and writes nothing', async () => {
    const before = (await admin('api-key', 'list')).out;
    expect(await admin('api-key', 'create', '--owner', 'bad owner')).toMatchObject({ code: 1, err: expect.stringContaining('--owner') });
    expect(await admin('api-key', 'create', '--owner', 'ok', '--scopes', 'root')).toMatchObject({ code: 1, err: 'Error: Unknown scope "root": use read, write or admin' });
    expect(await admin('api-key', 'create', '--owner', 'ok', '--expires-in', '10y')).toMatchObject({ code: 1 });
    expect(await admin('api-key', 'create', '--owner', 'ok', '--expires-in', '400d')).toMatchObject({ code: 1 });
    expect(await admin('api-key', 'revoke', 'key_nope')).toMatchObject({ code: 1, err: 'Error: No API key key_nope' });
    expect((await admin('api-key', 'list')).out).toBe(before);
  });
});
