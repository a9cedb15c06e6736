import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { StackInfo } from '../../local/stack.js';
import { type DemoSession, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { callTool, scopeOf } from '../support/mcp-calls.js';
import { modernRpc } from '../support/mcp-modern.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

/** Canonical JSON written independently of the product's own implementation. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
const sha256 = (value: unknown) => createHash('sha256').update(canonical(value)).digest('hex');
const sha256OfText = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A tools/call whose arguments nest `depth` arrays deep, written as text: JSON.stringify of such a
 * value would itself overflow the stack.
 */
const deeplyNestedCall = (tool: string, depth: number) =>
  `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"${tool}","arguments":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;

/** A raw POST to /mcp after initialization, as a client sends it. */
async function postRaw(stack: StackInfo, token: string, body: string, headers: Record<string, string> = {}) {
  const response = await mcpPost(stack, body, { token, headers: { 'MCP-Protocol-Version': '2025-06-18', ...headers } });
  return { status: response.status, text: await response.text() };
}

interface AuditLine {
  timestamp: string;
  audit: Record<string, unknown>;
}

/**
 * The functions' output as the local stack captures it: serverless-offline's log, where
 * every line the MCP handler logs ends up (as CloudWatch Logs would hold it in AWS).
 */
function readFunctionLog(dataDir: string): string {
  return readFileSync(join(dataDir, 'logs', 'offline.log'), 'utf8');
}

function auditLinesOf(log: string, sub: string): AuditLine[] {
  return log
    .split('\n')
    .filter((line) => line.includes('"message":"audit"') && line.includes(sub))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as AuditLine);
}

async function waitForAuditLines(dataDir: string, sub: string, count: number): Promise<AuditLine[]> {
  let events: AuditLine[] = [];
  for (let attempt = 0; attempt < 50 && events.length < count; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    events = auditLinesOf(readFunctionLog(dataDir), sub);
  }
  // A little longer, so that a second line for the same call would be seen too.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return auditLinesOf(readFunctionLog(dataDir), sub);
}

describe('audit trail', () => {
  const stack = inject('stack');
  const marker = `raw-input-marker-${crypto.randomUUID()}`;
  let user: TestUser;
  let session: DemoSession;
  let readOnly: DemoSession;

  beforeAll(async () => {
    user = await createTestUser(stack);
    [session, readOnly] = await Promise.all([
      signInDemoUser(stack, { user }),
      signInDemoUser(stack, { user, scope: scopeOf(stack, 'read') }),
    ]);
  });

  it('writes one structured event per tool call with a hash of the input, never the input or a token', async () => {
    const putInput = { title: 'Audit me', body: marker, tags: ['audit'] };
    const calls = [
      { token: session.accessToken, tool: 'notes_put', args: putInput, outcome: 'ok' },
      { token: session.accessToken, tool: 'notes_get', args: { id: 'missing-note' }, outcome: 'error' },
      { token: session.accessToken, tool: 'notes_put', args: { title: '', body: marker }, outcome: 'invalid' },
      { token: readOnly.accessToken, tool: 'notes_put', args: { title: 'Denied', body: marker }, outcome: 'denied' },
      { token: readOnly.accessToken, tool: 'whoami', args: {}, outcome: 'ok' },
    ];
    for (const call of calls) await callTool(stack, call.token, call.tool, call.args);

    let events: AuditLine[] = [];
    for (let attempt = 0; attempt < 50 && events.length < calls.length; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = auditLinesOf(readFunctionLog(stack.dataDir), user.sub);
    }
    expect(events).toHaveLength(calls.length);
    for (const [index, call] of calls.entries()) {
      const event = events[index]!;
      expect(Date.parse(event.timestamp)).not.toBeNaN();
      expect(event.audit).toMatchObject({
        requestId: expect.stringMatching(/\S+/),
        principal: user.sub,
        sub: user.sub,
        clientId: call.token === readOnly.accessToken ? readOnly.clientId : session.clientId,
        authMethod: 'jwt',
        tool: call.tool,
        inputSha256: sha256(call.args),
        outcome: call.outcome,
        durationMs: expect.any(Number),
        sourceIp: expect.stringMatching(/\S+/),
        userAgent: expect.any(String),
      });
    }
    expect(events[3]!.audit.reason).toBe('missing_scope:write');
    expect(new Set(events.map((event) => event.audit.requestId)).size).toBe(calls.length);

    const log = readFunctionLog(stack.dataDir);
    expect(log).not.toContain(marker);
    for (const secret of [session.accessToken, session.idToken, session.refreshToken, readOnly.accessToken, readOnly.refreshToken]) {
      expect(log).not.toContain(secret);
      // Nor the signature alone, which identifies the token as well.
      expect(log).not.toContain(secret.split('.')[2] ?? secret);
    }
  });

  it('refuses a tools/call nested 20,000 levels deep with a 400 JSON-RPC error, and audits it: visible, denied or unknown tool', async () => {
    const deepUser = await createTestUser(stack);
    const deepSession = await signInDemoUser(stack, { user: deepUser });
    const tools = ['whoami', 'users_revoke_tokens', 'no_such_tool']; // visible, denied (admin), unknown
    const bodies = tools.map((tool) => deeplyNestedCall(tool, 20_000));
    for (const body of bodies) {
      const answer = await postRaw(stack, deepSession.accessToken, body);
      expect(answer.status).toBe(400);
      expect(answer.text).not.toMatch(/call stack|RangeError|at \w+ \(/);
      expect(JSON.parse(answer.text)).toMatchObject({
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32600, message: expect.stringMatching(/nest.*64/) },
      });
    }
    const events = await waitForAuditLines(stack.dataDir, deepUser.sub, tools.length);
    expect(events.map((event) => event.audit)).toEqual(
      tools.map((tool, index) =>
        expect.objectContaining({
          tool,
          outcome: 'invalid',
          reason: 'nesting_too_deep',
          // The arguments are never read into a value: the hash is of the body as sent.
          inputSha256: sha256OfText(bodies[index]!),
        }),
      ),
    );
  });

  it('leaves exactly one audit line for every tools/call, however it is refused', async () => {
    const auditedUser = await createTestUser(stack);
    const [readWrite, readOnlyToken] = await Promise.all([
      signInDemoUser(stack, { user: auditedUser }),
      signInDemoUser(stack, { user: auditedUser, scope: scopeOf(stack, 'read') }),
    ]);
    const token = readWrite.accessToken;
    const call = (name: unknown, args?: unknown, extra: Record<string, unknown> = { id: 1 }) =>
      JSON.stringify({ jsonrpc: '2.0', ...extra, method: 'tools/call', params: { name, ...(args === undefined ? {} : { arguments: args }) } });
    const cases: Array<{ body: string; token?: string; headers?: Record<string, string>; status: number; tool: string; outcome: string; reason?: string }> = [
      { body: call('no_such_tool', {}), status: 200, tool: 'no_such_tool', outcome: 'invalid', reason: 'unknown_tool' },
      { body: call('notes_put', { title: 't', body: 'b' }), token: readOnlyToken.accessToken, status: 403, tool: 'notes_put', outcome: 'denied', reason: 'missing_scope:write' },
      { body: call('notes_put', { title: '' }), status: 200, tool: 'notes_put', outcome: 'invalid', reason: 'invalid_arguments' },
      { body: call('whoami', 'not an object'), status: 200, tool: 'whoami', outcome: 'invalid', reason: 'invalid_params' },
      { body: call(42, {}), status: 200, tool: '', outcome: 'invalid', reason: 'invalid_params' },
      { body: call('whoami', {}, {}), status: 400, tool: 'whoami', outcome: 'invalid', reason: 'not_a_request' },
      { body: `[${call('whoami', {})}]`, status: 400, tool: 'whoami', outcome: 'invalid', reason: 'batch_not_supported' },
      { body: deeplyNestedCall('whoami', 65), status: 400, tool: 'whoami', outcome: 'invalid', reason: 'nesting_too_deep' },
      { body: call('whoami', {}), headers: { 'MCP-Protocol-Version': '1999-01-01' }, status: 400, tool: 'whoami', outcome: 'invalid', reason: 'protocol_error' },
      { body: call('whoami', {}), status: 200, tool: 'whoami', outcome: 'ok' },
    ];
    for (const item of cases) {
      const answer = await postRaw(stack, item.token ?? token, item.body, item.headers);
      expect(answer.status, `${item.body.slice(0, 120)}: ${answer.text.slice(0, 300)}`).toBe(item.status);
      // A client's mistake is never answered as an internal error.
      expect(answer.text).not.toMatch(/Internal error|-32603/);
    }
    const events = await waitForAuditLines(stack.dataDir, auditedUser.sub, cases.length);
    expect(events.map((event) => [event.audit.tool, event.audit.outcome, event.audit.reason])).toEqual(
      cases.map((item) => [item.tool, item.outcome, item.reason]),
    );
    expect(new Set(events.map((event) => event.audit.requestId)).size).toBe(cases.length);
  });

  it('audits 2026-07-28 calls the same way, one line each, with the era and revision', async () => {
    const modernUser = await createTestUser(stack);
    const [readWrite, readOnlyToken] = await Promise.all([
      signInDemoUser(stack, { user: modernUser }),
      signInDemoUser(stack, { user: modernUser, scope: scopeOf(stack, 'read') }),
    ]);
    const cases: Array<{ token: string; name: string; args: Record<string, unknown>; headers?: Record<string, string>; status: number; outcome: string; reason?: string }> = [
      { token: readWrite.accessToken, name: 'whoami', args: {}, status: 200, outcome: 'ok' },
      { token: readOnlyToken.accessToken, name: 'notes_put', args: { title: 't', body: 'b' }, status: 403, outcome: 'denied', reason: 'missing_scope:write' },
      { token: readOnlyToken.accessToken, name: 'notes_put', args: { title: 't', body: 'b' }, headers: { 'Mcp-Name': 'whoami' }, status: 400, outcome: 'invalid', reason: 'header_mismatch' },
      { token: readWrite.accessToken, name: 'no_such_tool', args: {}, status: 200, outcome: 'invalid', reason: 'unknown_tool' },
      { token: readWrite.accessToken, name: 'notes_put', args: { title: '' }, status: 200, outcome: 'invalid', reason: 'invalid_arguments' },
    ];
    for (const item of cases) {
      const answer = await modernRpc(stack, item.token, 'tools/call', { name: item.name, arguments: item.args }, { headers: item.headers });
      expect(answer.status, answer.text.slice(0, 300)).toBe(item.status);
    }
    const events = await waitForAuditLines(stack.dataDir, modernUser.sub, cases.length);
    expect(events.map((event) => [event.audit.tool, event.audit.outcome, event.audit.reason])).toEqual(
      cases.map((item) => [item.name, item.outcome, item.reason]),
    );
    for (const [index, event] of events.entries()) {
      expect(event.audit).toMatchObject({ kind: 'tool', target: cases[index]!.name, era: 'modern', protocolVersion: '2026-07-28', inputSha256: sha256(cases[index]!.args) });
    }
  });

  it('audits resource reads and prompt gets like tool calls, naming the template, never the URI', async () => {
    const readerUser = await createTestUser(stack);
    const [reader, writer] = await Promise.all([
      signInDemoUser(stack, { user: readerUser }),
      signInDemoUser(stack, { user: readerUser, scope: scopeOf(stack, 'write') }),
    ]);
    const created = (await callTool(stack, reader.accessToken, 'notes_put', { title: 'Audited', body: marker })).result.structuredContent.note;
    const uri = `note://${created.id}`;
    await modernRpc(stack, reader.accessToken, 'resources/read', { uri });
    await modernRpc(stack, reader.accessToken, 'resources/read', { uri: 'note://nothing-here' });
    await modernRpc(stack, writer.accessToken, 'resources/read', { uri });
    await modernRpc(stack, reader.accessToken, 'prompts/get', { name: 'summarize_note', arguments: { id: created.id } });
    await modernRpc(stack, reader.accessToken, 'prompts/get', { name: 'no_such_prompt', arguments: {} });
    const events = await waitForAuditLines(stack.dataDir, readerUser.sub, 6);
    expect(events.map((event) => [event.audit.kind, event.audit.target, event.audit.outcome, event.audit.reason])).toEqual([
      ['tool', 'notes_put', 'ok', undefined],
      ['resource', 'note', 'ok', undefined],
      ['resource', 'note', 'error', 'not_found'],
      ['resource', 'note', 'denied', 'missing_scope:read'],
      ['prompt', 'summarize_note', 'ok', undefined],
      ['prompt', 'no_such_prompt', 'invalid', 'unknown_prompt'],
    ]);
    expect(events[1]!.audit.inputSha256).toBe(sha256({ uri }));
    expect(events[3]!.audit.inputSha256).toBe(sha256({ uri }));
    expect(events[1]!.audit).not.toHaveProperty('tool');
    expect(JSON.stringify(events.map((event) => event.audit))).not.toContain(created.id);
  });
});
