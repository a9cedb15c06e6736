import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool, scopeOf } from '../support/mcp-calls.js';
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
});
