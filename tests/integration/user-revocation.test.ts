import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { runAdmin } from '../../admin/cli.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { PROJECT_ROOT } from '../../local/settings.js';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { callTool, scopeOf } from '../support/mcp-calls.js';
import { createTestUser } from '../support/test-users.js';

/**
 * User revocation through the MCP endpoint and the operator CLI on the local stack: one row
 * lifetime for both, long enough to outlive every refresh token of a session started before it
 * (it used to be the access token lifetime, 24 h, while dynamic clients' refresh tokens live 30
 * days and Cognito keeps auth_time across refreshes). cognito-local has no
 * AdminUserGlobalSignOut: both say so instead of claiming the sign-out.
 */
const DAY = 86_400;
const MARGIN = 300;

/** The local stage's parameters, as serverless.yml declares them (the defaults, then the local stage's). */
function localParameters(): Record<string, unknown> {
  const service = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as { params: Record<string, Record<string, unknown>> };
  return { ...service.params.default, ...service.params.local };
}

describe('user revocation lasts as long as the sessions it revokes', () => {
  const stack = inject('stack');
  const dynamo = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamo);
  const params = localParameters();
  const expectedLifetime = Number(params.maxRefreshTokenDays) * DAY + Number(params.maxAccessTokenLifetimeSeconds) + MARGIN;
  let admin: DemoSession;
  const row = async (sub: string) =>
    (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-revocations', Key: { pk: `user#${sub}` } }))).Item as
      | { expiresAt: number; revokedAt: number; notBefore: number; revokedBy?: string; reason?: string }
      | undefined;
  const status = async (token: string) => (await mcpPost(stack, initializeRequest, { token })).status;

  beforeAll(async () => {
    admin = await signInDemoUser(stack, { clientId: stack.operatorClientId, scope: `${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}` });
  });
  afterAll(() => dynamo.destroy());

  it('users_revoke_tokens keeps the row for the longest refresh token lifetime plus an access token plus the margin', async () => {
    // Far beyond what a dynamic client's refresh token can live: the defect was a row of one access token lifetime.
    expect(expectedLifetime).toBeGreaterThan(Number(params.dcrRefreshTokenDays) * DAY + Number(params.maxAccessTokenLifetimeSeconds));
    const target = await createTestUser(stack);
    const session = await signInDemoUser(stack, { user: target });
    expect(await status(session.accessToken)).toBe(200);

    const answer = await callTool(stack, admin.accessToken, 'users_revoke_tokens', { sub: target.sub, reason: 'stolen refresh token' });
    expect(answer.status).toBe(200);
    const output = answer.result.structuredContent as Record<string, string>;
    const stored = (await row(target.sub))!;
    expect(stored).toMatchObject({ reason: 'stolen refresh token', revokedBy: stack.demoUser.sub, notBefore: stored.revokedAt });
    expect(stored.expiresAt - stored.revokedAt).toBe(expectedLifetime);
    expect(Date.parse(output.expiresAt!) / 1000).toBe(stored.expiresAt);
    expect(await status(session.accessToken)).toBe(401);

    // cognito-local lacks AdminUserGlobalSignOut: reported as not done, in the structure and the text.
    expect(output).toMatchObject({ cognitoSignOut: 'unsupported', cognitoSignOutDetail: 'not supported by this Cognito endpoint' });
    expect(answer.result.isError).toBeFalsy();
    expect(answer.result.content[0]!.text).toContain('WARNING: the Cognito global sign-out was NOT done');
  });

  it('the operator CLI writes the same row lifetime (one implementation) and reports the sign-out the same way', async () => {
    const target = await createTestUser(stack);
    const out: string[] = [];
    const code = await runAdmin(['revoke', 'user', target.username, '--local-dir', stack.dataDir], (line) => out.push(line), (line) => out.push(line));
    expect(code, out.join('\n')).toBe(0);
    const stored = (await row(target.sub))!;
    // The CLI reads MAX_REFRESH_TOKEN_DAYS (unset here: Cognito's ceiling, the local stage's value too).
    expect(stored.expiresAt - stored.revokedAt).toBe(expectedLifetime);
    expect(out.join('\n')).toContain('Cognito: AdminUserGlobalSignOut (refresh tokens): not supported by this Cognito endpoint');
  });

  it('revokes a sub the pool does not know (a deleted user\'s tokens still verify) and says there was no one to sign out', async () => {
    const sub = crypto.randomUUID();
    const answer = await callTool(stack, admin.accessToken, 'users_revoke_tokens', { sub });
    expect(answer.result.structuredContent).toMatchObject({ sub, cognitoSignOut: 'no_user' });
    expect((await row(sub))?.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000) + Number(params.dcrRefreshTokenDays) * DAY);
  });
});
