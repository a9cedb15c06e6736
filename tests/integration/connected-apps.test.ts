import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAdmin } from '../../admin/cli.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { type DemoSession, initializeRequest, mcpPost, refreshAtFacade, signInDemoUser } from '../support/demo-login.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

/**
 * Connected apps end to end on the local stack: grants recorded by /token (code exchange and
 * refresh), listed and revoked by `npm run admin -- apps`, the revocation honoured by the
 * authorizer (/mcp, the app#{sub}#{client} row in its one BatchGetItem) and by /token (refresh:
 * invalid_grant), and nothing else touched.
 */
describe('connected apps (local stack: /token, the authorizer, npm run admin -- apps)', () => {
  const stack = inject('stack');
  const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  const grantsTable = 'secure-mcp-local-grants';
  let user: TestUser;
  let other: TestUser;
  let first: DemoSession;
  let second: DemoSession;
  let othersSession: DemoSession;

  beforeAll(async () => {
    [user, other] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    first = await signInDemoUser(stack, { user, registration: { client_name: 'First app' } });
    second = await signInDemoUser(stack, { user, registration: { client_name: 'Second app' } });
    othersSession = await signInDemoUser(stack, { user: other, clientId: first.clientId });
  });
  afterAll(() => dynamoDb.destroy());

  async function admin(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin([...args, '--local-dir', stack.dataDir], (line) => out.push(line), (line) => err.push(line));
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const mcpStatus = async (token: string) => (await mcpPost(stack, initializeRequest, { token })).status;
  const refresh = (session: DemoSession) => refreshAtFacade(stack, session);
  const grantRow = async (sub: string, clientId: string) => (await documents.send(new GetCommand({ TableName: grantsTable, Key: { sub, clientId } }))).Item;

  it('records one grant per user and application at the code exchange, and renews it on refresh', async () => {
    const recorded = await grantRow(user.sub, first.clientId);
    expect(recorded).toMatchObject({ sub: user.sub, clientId: first.clientId });
    expect(recorded!.firstSignedInAt).toBe(recorded!.lastUsedAt);
    expect(String(recorded!.scope)).toContain(`${stack.mcpUrl}/read`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await refresh(first);
    expect(refreshed.status).toBe(200);
    const renewed = await grantRow(user.sub, first.clientId);
    expect(renewed!.firstSignedInAt).toBe(recorded!.firstSignedInAt);
    expect(renewed!.lastUsedAt).toBeGreaterThan(recorded!.lastUsedAt as number);
  });

  it('lists the user’s applications for the operator, with their names and how they registered', async () => {
    const listed = await admin('apps', 'list', '--user', user.username);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${first.clientId}  "First app"  self-registered`);
    expect(listed.out).toContain(`${second.clientId}  "Second app"  self-registered`);
    expect(listed.out).not.toContain('"integration test"');
    expect((await admin('apps', 'list')).err).toContain('Name the user: --user');
    expect((await admin('apps', 'revoke', '--user', user.username)).err).toContain('Name the application: --client');
  });

  it('revokes one application for one user: its access and refresh tokens refused, the other application and other users untouched', async () => {
    expect(await mcpStatus(first.accessToken)).toBe(200);
    const revoked = await admin('apps', 'revoke', '--user', user.username, '--client', first.clientId);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Ended the access of application ${first.clientId}`);

    expect(await mcpStatus(first.accessToken)).toBe(401);
    const refused = await refresh(first);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');

    expect(await mcpStatus(second.accessToken)).toBe(200);
    expect((await refresh(second)).status).toBe(200);
    expect(await mcpStatus(othersSession.accessToken)).toBe(200);
    expect((await refresh(othersSession)).status).toBe(200);

    const listed = await admin('apps', 'list', '--user', user.username);
    expect(listed.out).not.toContain(first.clientId);
    expect(listed.out).toContain(second.clientId);
    expect(await grantRow(user.sub, first.clientId)).toBeUndefined();
    expect(await grantRow(other.sub, first.clientId)).toBeDefined();
  });

  it('connects the application again when the user signs in to it again', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a sign-in in a later second than the revocation
    const again = await signInDemoUser(stack, { user, clientId: first.clientId });
    expect(await mcpStatus(again.accessToken)).toBe(200);
    expect((await refresh(again)).status).toBe(200);
    expect((await admin('apps', 'list', '--user', user.username)).out).toContain(first.clientId);
    // The sessions from before the revocation stay refused.
    expect(await mcpStatus(first.accessToken)).toBe(401);
    expect((await refresh(first)).status).toBe(400);
  });
});
