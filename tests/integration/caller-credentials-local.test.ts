import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { callTool } from '../support/mcp-calls.js';
import { createTestUser } from '../support/test-users.js';

/**
 * The local stack (serverless-offline) with LOCAL_TOOL_CREDENTIALS=function-role: no STS and no
 * CloudWatch run here. The notes tools take the same path as deployed (credentialsFor, one DynamoDB
 * client per credential set) with the function's dummy credentials; DynamoDB Local evaluates no
 * IAM, so only the code's keying by principal separates users here (the IAM half:
 * tests/unit/iam-policies.test.ts). cloudwatch_alarms says plainly that it is not available.
 */
const stack = inject('stack');
let session: DemoSession;
beforeAll(async () => {
  session = await signInDemoUser(stack, { user: await createTestUser(stack) });
});

describe('tools on the local stack', () => {
  it('runs the notes tools through the caller-credentials path', async () => {
    const put = await callTool(stack, session.accessToken, 'notes_put', { title: 'local', body: 'through credentialsFor' });
    expect(put.result.isError).toBeUndefined();
    const list = await callTool(stack, session.accessToken, 'notes_list', {});
    expect(list.result.structuredContent.notes.map((note: { title: string }) => note.title)).toEqual(['local']);
  });

  it('answers cloudwatch_alarms with a clear "not available locally" tool error', async () => {
    const answer = await callTool(stack, session.accessToken, 'cloudwatch_alarms', {});
    expect(answer.status).toBe(200);
    expect(answer.result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'cloudwatch_alarms is not available on the local stack: no CloudWatch runs here. It works on a deployed stage.' }],
    });
  });
});
