import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import type { AnyToolDefinition } from '../../functions/mcp/tool.js';
import { tools } from '../../functions/mcp/tools/index.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool, listToolNames, scopeOf } from '../support/mcp-calls.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

const READ_TOOLS = ['cloudwatch_alarms', 'notes_get', 'notes_list', 'notes_search', 'whoami'];
const WRITE_TOOLS = ['notes_delete', 'notes_put'];
const ADMIN_TOOLS = ['users_revocation_status', 'users_revoke_tokens'];
const definition = (name: string) => tools.find((tool) => tool.name === name) as AnyToolDefinition;
/** Checks structuredContent against the tool's own output schema, refusing unknown fields too. */
const conforms = (name: string, content: unknown) => z.strictObject(definition(name).outputSchema).parse(content);

describe('MCP tools: scopes, per-user notes, admin tools', () => {
  const stack = inject('stack');
  let alice: TestUser;
  let bob: TestUser;
  let aliceSession: DemoSession; // read + write
  let aliceReadOnly: DemoSession;
  let bobSession: DemoSession; // read + write
  let adminSession: DemoSession; // the demo user through the operator's client: admin through the mcp-admins group
  let adminViaDynamicClient: DemoSession; // the same user through a dynamically registered client
  let aliceAskingForAdmin: DemoSession; // read + admin through the operator's client, not in mcp-admins
  const dynamo = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamo);

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    [aliceSession, aliceReadOnly, bobSession, adminSession, adminViaDynamicClient, aliceAskingForAdmin] = await Promise.all([
      signInDemoUser(stack, { user: alice }),
      signInDemoUser(stack, { user: alice, scope: scopeOf(stack, 'read') }),
      signInDemoUser(stack, { user: bob }),
      signInDemoUser(stack, { clientId: stack.operatorClientId, scope: `${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}` }),
      signInDemoUser(stack, { registration: { scope: 'read write admin' } }),
      signInDemoUser(stack, { user: alice, clientId: stack.operatorClientId, scope: `${scopeOf(stack, 'read')} ${scopeOf(stack, 'admin')}` }),
    ]);
  });
  afterAll(() => dynamo.destroy());

  describe('scopes', () => {
    it('lists only the tools the caller may call', async () => {
      expect(await listToolNames(stack, aliceReadOnly.accessToken)).toEqual(READ_TOOLS);
      expect(await listToolNames(stack, aliceSession.accessToken)).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
      expect(await listToolNames(stack, adminSession.accessToken)).toEqual([...READ_TOOLS, ...WRITE_TOOLS, ...ADMIN_TOOLS].sort());
    });

    it('lists every tool with its annotations and object schemas', async () => {
      const { rpc } = await import('../support/mcp-calls.js');
      const answer = await rpc(stack, adminSession.accessToken, 'tools/list');
      for (const listed of answer.body.result.tools) {
        const tool = definition(listed.name);
        expect(listed.title).toBe(tool.title);
        expect(listed.annotations).toMatchObject(tool.annotations);
        expect(listed.inputSchema.type).toBe('object');
        expect(listed.outputSchema.type).toBe('object');
      }
    });

    it('refuses a write tool to a read-only token with 403 and the challenge in header and body', async () => {
      const answer = await callTool(stack, aliceReadOnly.accessToken, 'notes_put', { title: 'x', body: 'y' });
      expect(answer.status).toBe(403);
      const resourceMetadata = `${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`;
      const challenge = answer.body.error.data.www_authenticate;
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain(`resource_metadata="${resourceMetadata}"`);
      expect(challenge).toContain(`scope="${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}"`);
      expect(answer.body).toMatchObject({
        jsonrpc: '2.0',
        error: {
          code: -32003,
          message: expect.stringContaining(scopeOf(stack, 'write')),
          data: { error: 'insufficient_scope', required_scope: scopeOf(stack, 'write'), resource_metadata: resourceMetadata },
        },
      });
      // API Gateway renames a WWW-Authenticate header a Lambda sets; the local gateway proxy does the same.
      expect(answer.headers.get('www-authenticate')).toBeNull();
      expect(answer.headers.get('x-amzn-remapped-www-authenticate')).toBe(challenge);
      // RFC 6750 §3: every auth-param a quoted string whose characters are %x20-21 / %x23-5B / %x5D-7E.
      expect(challenge).toMatch(/^Bearer [a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*"(, [a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*")*$/);
      expect(challenge).toContain(`error_description="The tool notes_put requires the scope ${scopeOf(stack, 'write')}"`);
      expect((await callTool(stack, aliceSession.accessToken, 'notes_list', {})).status).toBe(200);
    });

    it('refuses the admin tools to a user outside the admin group, even with read and write', async () => {
      for (const name of ADMIN_TOOLS) {
        const answer = await callTool(stack, aliceSession.accessToken, name, { sub: bob.sub });
        expect(answer.status).toBe(403);
        expect(answer.body.error.data.required_scope).toBe(scopeOf(stack, 'admin'));
      }
    });

    it('refuses the admin tools to a user outside mcp-admins whose operator-client token carries the admin scope', async () => {
      // Cognito grants a custom scope the app client allows to whoever signs in and asks for it:
      // the token says admin, but only the mcp-admins group makes a user an administrator.
      const scopes = JSON.parse(Buffer.from(aliceAskingForAdmin.accessToken.split('.')[1]!, 'base64url').toString()).scope;
      expect(scopes.split(' ')).toContain(scopeOf(stack, 'admin'));
      expect(await listToolNames(stack, aliceAskingForAdmin.accessToken)).toEqual(READ_TOOLS);
      for (const name of ADMIN_TOOLS) {
        const answer = await callTool(stack, aliceAskingForAdmin.accessToken, name, { sub: bob.sub });
        expect(answer.status).toBe(403);
        expect(answer.body.error.data).toMatchObject({ required_scope: scopeOf(stack, 'admin'), step_up: false, reason: 'group_required' });
        // Signing in again changes no group: no invitation to re-authorize.
        expect(answer.headers.get('x-amzn-remapped-www-authenticate')).toBeNull();
        expect(answer.body.error.data.www_authenticate).toBeUndefined();
        expect(answer.body.error.message).toMatch(/group/);
      }
    });

    it('challenges an operator client lacking a scope its app client may grant to step up to it', async () => {
      const answer = await callTool(stack, aliceAskingForAdmin.accessToken, 'notes_put', { title: 't', body: 'b' });
      expect(answer.status).toBe(403);
      const challenge = answer.headers.get('x-amzn-remapped-www-authenticate');
      expect(challenge).toBe(answer.body.error.data.www_authenticate);
      expect(challenge).toContain(`scope="${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}"`);
      expect(answer.body.error.data).toMatchObject({ error: 'insufficient_scope', required_scope: scopeOf(stack, 'write') });
    });

    it('refuses the admin tools to an administrator signed in through a dynamically registered client', async () => {
      // The client asked for admin at registration and did not get it; the user's mcp-admins group
      // grants admin only through clients the operator registered.
      const scopes = JSON.parse(Buffer.from(adminViaDynamicClient.accessToken.split('.')[1]!, 'base64url').toString()).scope;
      expect(scopes.split(' ')).not.toContain(scopeOf(stack, 'admin'));
      expect(await listToolNames(stack, adminViaDynamicClient.accessToken)).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
      for (const name of ADMIN_TOOLS) {
        const answer = await callTool(stack, adminViaDynamicClient.accessToken, name, { sub: bob.sub });
        expect(answer.status).toBe(403);
        expect(answer.body.error.data.required_scope).toBe(scopeOf(stack, 'admin'));
        // No invitation to re-authorize for a scope DCR never grants (mcp-remote would open a
        // browser that can only fail with invalid_scope): no challenge in any header or the body.
        expect(answer.headers.get('www-authenticate')).toBeNull();
        expect(answer.headers.get('x-amzn-remapped-www-authenticate')).toBeNull();
        expect(answer.body.error.data.www_authenticate).toBeUndefined();
        expect(answer.body.error.data.scope).toBeUndefined();
        expect(answer.body.error.message).toMatch(/cannot be granted/);
        expect(answer.body.error.message).toMatch(/operator/);
      }
    });

    it('answers an unknown tool with a JSON-RPC error', async () => {
      const answer = await callTool(stack, aliceSession.accessToken, 'no_such_tool', {});
      expect(answer.status).toBe(200);
      // Just the message: clients put "MCP error <code>:" in front themselves.
      expect(answer.body.error).toEqual({ code: -32602, message: 'Unknown tool: no_such_tool' });
    });
  });

  describe('notes', () => {
    it('creates, reads, updates and deletes a note with optimistic concurrency, each result matching its schema', async () => {
      const token = aliceSession.accessToken;
      const created = await callTool(stack, token, 'notes_put', { title: 'Groceries', body: 'milk, eggs', tags: ['home'] });
      expect(created.result.isError).toBeFalsy();
      const { note } = conforms('notes_put', created.result.structuredContent) as { note: { id: string; version: number } };
      expect(created.result.structuredContent).toMatchObject({ created: true, note: { title: 'Groceries', version: 1, tags: ['home'] } });
      expect(created.result.content[0]!.text).toContain('Groceries');

      const read = await callTool(stack, token, 'notes_get', { id: note.id });
      expect(conforms('notes_get', read.result.structuredContent)).toEqual(created.result.structuredContent.note && { note: created.result.structuredContent.note });

      const updated = await callTool(stack, token, 'notes_put', { id: note.id, title: 'Groceries', body: 'milk, eggs, bread', expectedVersion: 1 });
      expect(conforms('notes_put', updated.result.structuredContent)).toMatchObject({ created: false, note: { version: 2, body: 'milk, eggs, bread' } });
      expect(updated.result.structuredContent.note.createdAt).toBe(created.result.structuredContent.note.createdAt);

      const stale = await callTool(stack, token, 'notes_put', { id: note.id, title: 'Lost update', body: '', expectedVersion: 1 });
      expect(stale.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('version 2') }] });
      const staleDelete = await callTool(stack, token, 'notes_delete', { id: note.id, expectedVersion: 1 });
      expect(staleDelete.result.isError).toBe(true);
      expect((await callTool(stack, token, 'notes_get', { id: note.id })).result.structuredContent.note.body).toBe('milk, eggs, bread');

      const deleted = await callTool(stack, token, 'notes_delete', { id: note.id, expectedVersion: 2 });
      expect(conforms('notes_delete', deleted.result.structuredContent)).toEqual({ id: note.id, deletedVersion: 2 });
      const gone = await callTool(stack, token, 'notes_get', { id: note.id });
      expect(gone.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('no note') }] });
    });

    it('lets exactly one of several concurrent writers of the same version win', async () => {
      const token = aliceSession.accessToken;
      const created = await callTool(stack, token, 'notes_put', { title: 'Counter', body: '0' });
      const id = created.result.structuredContent.note.id;
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, index) => callTool(stack, token, 'notes_put', { id, title: 'Counter', body: String(index), expectedVersion: 1 })),
      );
      const winners = attempts.filter((attempt) => !attempt.result.isError);
      expect(winners).toHaveLength(1);
      const final = await callTool(stack, token, 'notes_get', { id });
      expect(final.result.structuredContent.note).toMatchObject({ version: 2, body: winners[0]!.result.structuredContent.note.body });
    });

    it('pages through list and search results with opaque cursors', async () => {
      const user = await createTestUser(stack);
      const token = (await signInDemoUser(stack, { user })).accessToken;
      for (let index = 0; index < 5; index++) {
        const answer = await callTool(stack, token, 'notes_put', { title: `Note ${index}`, body: index % 2 === 0 ? 'even Apple' : 'odd', tags: [] });
        expect(answer.result.isError).toBeFalsy();
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await callTool(stack, token, 'notes_list', { limit: 2, ...(cursor ? { cursor } : {}) });
        const content = conforms('notes_list', page.result.structuredContent) as { notes: Array<{ title: string }>; nextCursor?: string };
        seen.push(...content.notes.map((item) => item.title));
        cursor = content.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(['Note 0', 'Note 1', 'Note 2', 'Note 3', 'Note 4']);
      expect(pages).toBeGreaterThanOrEqual(3);

      const first = await callTool(stack, token, 'notes_search', { query: 'APPLE', limit: 2 });
      const firstPage = conforms('notes_search', first.result.structuredContent) as { notes: Array<{ title: string }>; nextCursor?: string };
      expect(firstPage.notes.map((item) => item.title)).toEqual(['Note 0', 'Note 2']);
      expect(firstPage.nextCursor).toBeDefined();
      const second = await callTool(stack, token, 'notes_search', { query: 'apple', limit: 2, cursor: firstPage.nextCursor });
      const secondPage = conforms('notes_search', second.result.structuredContent) as { notes: Array<{ title: string }> };
      expect(secondPage.notes.map((item) => item.title)).toEqual(['Note 4']);

      // A cursor of one listing does not continue another, and a forged one is refused.
      const crossed = await callTool(stack, token, 'notes_list', { cursor: firstPage.nextCursor });
      expect(crossed.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('cursor') }] });
      const forged = await callTool(stack, token, 'notes_list', { cursor: 'not-a-cursor' });
      expect(forged.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('cursor') }] });
    });

    it('answers invalid arguments with an isError result naming the field, and writes nothing', async () => {
      const token = aliceSession.accessToken;
      const answer = await callTool(stack, token, 'notes_put', { title: '', body: 'x', unexpected: true });
      expect(answer.status).toBe(200);
      expect(answer.result.isError).toBe(true);
      expect(answer.result.content[0]!.text).toMatch(/title/);
      const badId = await callTool(stack, token, 'notes_get', { id: '../etc/passwd' });
      expect(badId.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('id') }] });
    });

    it("never lets one user read, change or delete another's notes", async () => {
      const secret = await callTool(stack, aliceSession.accessToken, 'notes_put', { title: 'Alice private', body: 'alice-secret-marker' });
      const id = secret.result.structuredContent.note.id;
      const token = bobSession.accessToken;

      expect((await callTool(stack, token, 'notes_get', { id })).result).toMatchObject({ isError: true });
      const bobList = await callTool(stack, token, 'notes_list', { limit: 100 });
      expect(JSON.stringify(bobList.result.structuredContent)).not.toContain('alice-secret-marker');
      const bobSearch = await callTool(stack, token, 'notes_search', { query: 'alice-secret-marker' });
      expect(bobSearch.result.structuredContent.notes).toEqual([]);
      expect((await callTool(stack, token, 'notes_delete', { id, expectedVersion: 1 })).result).toMatchObject({ isError: true });
      expect((await callTool(stack, token, 'notes_put', { id, title: 'Hijacked', body: 'x', expectedVersion: 1 })).result).toMatchObject({ isError: true });
      // Bob "creating" a note with Alice's id makes his own note; Alice's stays as it was.
      const own = await callTool(stack, token, 'notes_put', { id, title: 'Bob with the same id', body: 'bob' });
      expect(own.result.isError).toBeFalsy();

      const alices = await callTool(stack, aliceSession.accessToken, 'notes_get', { id });
      expect(alices.result.structuredContent.note).toMatchObject({ title: 'Alice private', body: 'alice-secret-marker', version: 1 });
      const bobs = await callTool(stack, token, 'notes_get', { id });
      expect(bobs.result.structuredContent.note).toMatchObject({ title: 'Bob with the same id', version: 1 });
    });
  });

  describe('admin tools', () => {
    it("looks up and revokes a user's tokens, recording who did it", async () => {
      const token = adminSession.accessToken;
      const target = await createTestUser(stack);
      const before = await callTool(stack, token, 'users_revocation_status', { sub: target.sub });
      expect(conforms('users_revocation_status', before.result.structuredContent)).toEqual({ sub: target.sub, revoked: false });

      const revoked = await callTool(stack, token, 'users_revoke_tokens', { sub: target.sub, reason: 'lost laptop' });
      const output = conforms('users_revoke_tokens', revoked.result.structuredContent) as { notBefore: string; expiresAt: string };
      expect(revoked.result.structuredContent).toMatchObject({ sub: target.sub, revokedBy: stack.demoUser.sub });
      // Outlives the refresh tokens of the sessions it revokes (the exact bound: user-revocation.test.ts).
      expect(Date.parse(output.expiresAt) - Date.parse(output.notBefore)).toBeGreaterThan(30 * 86_400_000);

      const row = await documents.send(new GetCommand({ TableName: 'secure-mcp-local-revocations', Key: { pk: `user#${target.sub}` } }));
      expect(row.Item).toMatchObject({ kind: 'user', subject: target.sub, reason: 'lost laptop', revokedBy: stack.demoUser.sub });

      const after = await callTool(stack, token, 'users_revocation_status', { sub: target.sub });
      expect(conforms('users_revocation_status', after.result.structuredContent)).toMatchObject({
        sub: target.sub,
        revoked: true,
        notBefore: output.notBefore,
        reason: 'lost laptop',
      });
    });

    it('refuses a malformed user id', async () => {
      const answer = await callTool(stack, adminSession.accessToken, 'users_revoke_tokens', { sub: 'a b' });
      expect(answer.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('sub') }] });
    });
  });
});
