import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool, scopeOf } from '../support/mcp-calls.js';
import { modernRpc } from '../support/mcp-modern.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

const CAN_ELICIT = { elicitation: {} };
const accept = (confirm: boolean) => ({ confirm: { action: 'accept', content: { confirm } } });

/**
 * users_revoke_tokens asks a 2026-07-28 client that can show a form to confirm before it writes;
 * the round-trip state is sealed by the server and bound to the caller, the tool and the arguments.
 */
describe('input-required confirmation of users_revoke_tokens', () => {
  const stack = inject('stack');
  let admin: DemoSession;
  let otherAdmin: DemoSession;

  beforeAll(async () => {
    const [adminUser, otherAdminUser] = await Promise.all([
      createTestUser(stack, { groups: ['mcp-admins'] }),
      createTestUser(stack, { groups: ['mcp-admins'] }),
    ]);
    const scope = `${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}`;
    [admin, otherAdmin] = await Promise.all([
      signInDemoUser(stack, { user: adminUser, clientId: stack.operatorClientId, scope }),
      signInDemoUser(stack, { user: otherAdminUser, clientId: stack.operatorClientId, scope }),
    ]);
  });

  const revoke = (session: DemoSession, sub: string, extra: Record<string, unknown> = {}, capabilities: Record<string, unknown> = CAN_ELICIT) =>
    modernRpc(stack, session.accessToken, 'tools/call', { name: 'users_revoke_tokens', arguments: { sub, reason: 'test' }, ...extra }, { capabilities });
  const isRevoked = async (sub: string) =>
    (await callTool(stack, admin.accessToken, 'users_revocation_status', { sub })).result.structuredContent.revoked as boolean;

  it('asks first, changes nothing until confirmed, then revokes on the confirmed retry', async () => {
    const target: TestUser = await createTestUser(stack);
    const asked = await revoke(admin, target.sub);
    expect(asked.status).toBe(200);
    expect(asked.body.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: { confirm: { method: 'elicitation/create', params: { message: expect.stringContaining(target.sub) } } },
      requestState: expect.any(String),
    });
    expect(await isRevoked(target.sub)).toBe(false);
    const confirmed = await revoke(admin, target.sub, { inputResponses: accept(true), requestState: asked.body.result.requestState });
    expect(confirmed.body.result).toMatchObject({ resultType: 'complete', structuredContent: { sub: target.sub, revokedBy: expect.any(String) } });
    expect(await isRevoked(target.sub)).toBe(true);
  });

  it('does nothing when the user declines or answers false', async () => {
    const target = await createTestUser(stack);
    for (const inputResponses of [accept(false), { confirm: { action: 'decline' } }, { confirm: { action: 'cancel' } }]) {
      const asked = await revoke(admin, target.sub);
      const answered = await revoke(admin, target.sub, { inputResponses, requestState: asked.body.result.requestState });
      expect(answered.body.result).toMatchObject({ isError: true, content: [{ text: 'Not confirmed: nothing was changed.' }] });
    }
    expect(await isRevoked(target.sub)).toBe(false);
  });

  it('refuses a forged or altered state, and asks again when the state was for other arguments', async () => {
    const [target, other] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    const asked = await revoke(admin, target.sub);
    const state: string = asked.body.result.requestState;
    const altered = `${state.slice(0, -4)}${state.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (const requestState of [altered, 'forged-state', Buffer.from(JSON.stringify({ tool: 'users_revoke_tokens' })).toString('base64url')]) {
      const answer = await revoke(admin, target.sub, { inputResponses: accept(true), requestState });
      expect(answer.body.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
    }
    // The same confirmation, carried over to another user's revocation: asked again, nothing done.
    const carried = await revoke(admin, other.sub, { inputResponses: accept(true), requestState: state });
    expect(carried.body.result.resultType).toBe('input_required');
    expect(await isRevoked(target.sub)).toBe(false);
    expect(await isRevoked(other.sub)).toBe(false);
  });

  it("refuses one administrator's confirmation replayed by another", async () => {
    const target = await createTestUser(stack);
    const asked = await revoke(admin, target.sub);
    const replayed = await revoke(otherAdmin, target.sub, { inputResponses: accept(true), requestState: asked.body.result.requestState });
    expect(replayed.body.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
    expect(await isRevoked(target.sub)).toBe(false);
  });

  it('runs at once for a client that cannot show a form, and for 2025 clients, as before', async () => {
    const [first, second] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    const modern = await revoke(admin, first.sub, {}, {});
    expect(modern.body.result).toMatchObject({ resultType: 'complete', structuredContent: { sub: first.sub } });
    const legacy = await callTool(stack, admin.accessToken, 'users_revoke_tokens', { sub: second.sub });
    expect(legacy.result.structuredContent).toMatchObject({ sub: second.sub });
  });
});
