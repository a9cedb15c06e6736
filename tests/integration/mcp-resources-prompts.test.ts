import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool, rpc, scopeOf } from '../support/mcp-calls.js';
import { modernRpc } from '../support/mcp-modern.js';
import { createTestUser } from '../support/test-users.js';

/** Resources and prompts beside the tools: the caller's notes, under the caller's principal only. */
describe('MCP resources and prompts', () => {
  const stack = inject('stack');
  let alice: DemoSession;
  let bob: DemoSession;
  let writeOnly: DemoSession;
  let aliceNote: { id: string; title: string };
  let bobNote: { id: string; title: string };

  beforeAll(async () => {
    const [aliceUser, bobUser] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    [alice, bob, writeOnly] = await Promise.all([
      signInDemoUser(stack, { user: aliceUser }),
      signInDemoUser(stack, { user: bobUser }),
      signInDemoUser(stack, { user: aliceUser, scope: scopeOf(stack, 'write') }),
    ]);
    aliceNote = (await callTool(stack, alice.accessToken, 'notes_put', { title: 'Alice plans', body: 'Ship on Friday.', tags: ['work'] })).result.structuredContent.note;
    bobNote = (await callTool(stack, bob.accessToken, 'notes_put', { title: 'Bob secrets', body: 'Nobody else may read this.' })).result.structuredContent.note;
  });

  it('lists the note template, and the caller’s own notes as resources, in both eras', async () => {
    const templates = await rpc(stack, alice.accessToken, 'resources/templates/list');
    expect(templates.body.result.resourceTemplates).toEqual([expect.objectContaining({ name: 'note', uriTemplate: 'note://{id}', mimeType: 'text/markdown' })]);
    const legacy = await rpc(stack, alice.accessToken, 'resources/list');
    const modern = await modernRpc(stack, alice.accessToken, 'resources/list');
    expect(modern.body.result).toMatchObject({ resultType: 'complete', cacheScope: 'private' });
    for (const answer of [legacy, modern]) {
      const uris = answer.body.result.resources.map((resource: { uri: string }) => resource.uri);
      expect(uris).toContain(`note://${aliceNote.id}`);
      expect(uris).not.toContain(`note://${bobNote.id}`);
    }
  });

  it('reads the caller’s note as Markdown, and another user’s as not found, in both eras', async () => {
    const own = await rpc(stack, alice.accessToken, 'resources/read', { uri: `note://${aliceNote.id}` });
    expect(own.body.result.contents).toEqual([{ uri: `note://${aliceNote.id}`, mimeType: 'text/markdown', text: expect.stringContaining('# Alice plans\n\nShip on Friday.') }]);
    const modernOwn = await modernRpc(stack, alice.accessToken, 'resources/read', { uri: `note://${aliceNote.id}` });
    expect(modernOwn.body.result.contents[0].text).toContain('Ship on Friday.');
    const legacyOther = await rpc(stack, alice.accessToken, 'resources/read', { uri: `note://${bobNote.id}` });
    const modernOther = await modernRpc(stack, alice.accessToken, 'resources/read', { uri: `note://${bobNote.id}` });
    for (const answer of [legacyOther, modernOther]) {
      expect(answer.status).toBe(200);
      expect(answer.body.error).toMatchObject({ code: -32602, message: `Resource not found: note://${bobNote.id}` });
      expect(JSON.stringify(answer.body)).not.toContain('Nobody else');
    }
  });

  it('answers URIs that fit no resource, or break the variable schema, with -32602', async () => {
    const unknown = await rpc(stack, alice.accessToken, 'resources/read', { uri: 'file:///etc/passwd' });
    expect(unknown.body.error).toMatchObject({ code: -32602, message: expect.stringContaining('Resource not found') });
    const badId = await rpc(stack, alice.accessToken, 'resources/read', { uri: 'note://..%2F..%2Fx' });
    expect(badId.body.error).toMatchObject({ code: -32602, message: expect.stringMatching(/Invalid resource URI for note: id:/) });
  });

  it('refuses a resource or prompt without its scope with the 403 challenge naming it', async () => {
    const read = await rpc(stack, writeOnly.accessToken, 'resources/read', { uri: `note://${aliceNote.id}` });
    expect(read.status).toBe(403);
    expect(read.body.error).toMatchObject({ code: -32003, message: expect.stringContaining(`The resource note requires the scope ${scopeOf(stack, 'read')}`) });
    const prompt = await modernRpc(stack, writeOnly.accessToken, 'prompts/get', { name: 'summarize_note', arguments: { id: aliceNote.id } });
    expect(prompt.status).toBe(403);
    expect(prompt.body.error.message).toContain('The prompt summarize_note requires');
    // …and lists neither.
    expect((await rpc(stack, writeOnly.accessToken, 'prompts/list')).body.result.prompts).toEqual([]);
    expect((await rpc(stack, writeOnly.accessToken, 'resources/templates/list')).body.result.resourceTemplates).toEqual([]);
  });

  it('gets the summarize prompt with the caller’s note embedded, and refuses another user’s note', async () => {
    const list = await rpc(stack, alice.accessToken, 'prompts/list');
    expect(list.body.result.prompts).toEqual([
      expect.objectContaining({ name: 'summarize_note', arguments: [{ name: 'id', description: 'The id of the note to summarize', required: true }] }),
    ]);
    const own = await modernRpc(stack, alice.accessToken, 'prompts/get', { name: 'summarize_note', arguments: { id: aliceNote.id } });
    expect(own.body.result.messages).toEqual([
      expect.objectContaining({ role: 'user', content: expect.objectContaining({ type: 'text' }) }),
      { role: 'user', content: { type: 'resource', resource: expect.objectContaining({ uri: `note://${aliceNote.id}`, text: expect.stringContaining('Ship on Friday.') }) } },
    ]);
    const other = await rpc(stack, alice.accessToken, 'prompts/get', { name: 'summarize_note', arguments: { id: bobNote.id } });
    expect(other.body.error).toMatchObject({ code: -32602, message: `You have no note with id "${bobNote.id}".` });
    const missing = await rpc(stack, alice.accessToken, 'prompts/get', { name: 'summarize_note', arguments: {} });
    expect(missing.body.error).toMatchObject({ code: -32602, message: expect.stringContaining('Invalid arguments for prompt summarize_note') });
  });

  it('completes note ids for the template and the prompt from the caller’s own notes only', async () => {
    for (const ref of [{ type: 'ref/resource', uri: 'note://{id}' }, { type: 'ref/prompt', name: 'summarize_note' }]) {
      const all = await rpc(stack, alice.accessToken, 'completion/complete', { ref, argument: { name: 'id', value: '' } });
      expect(all.body.result.completion.values).toContain(aliceNote.id);
      expect(all.body.result.completion.values).not.toContain(bobNote.id);
      const prefixed = await modernRpc(stack, bob.accessToken, 'completion/complete', { ref, argument: { name: 'id', value: bobNote.id.slice(0, 6) } });
      expect(prefixed.body.result.completion.values).toContain(bobNote.id);
      expect(prefixed.body.result.completion.values).not.toContain(aliceNote.id);
    }
    const hidden = await rpc(stack, writeOnly.accessToken, 'completion/complete', { ref: { type: 'ref/prompt', name: 'summarize_note' }, argument: { name: 'id', value: '' } });
    expect(hidden.body.error).toMatchObject({ code: -32602, message: 'Unknown prompt: summarize_note' });
  });
});
