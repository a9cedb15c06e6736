import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { sdkCognitoApi } from '../../lib/cognito/sdk-api.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import usersRevokeTokens from '../../functions/mcp/tools/users-revoke-tokens.js';
import type { ToolServices } from '../../functions/mcp/services.js';
import { ConfigurationError } from '../../lib/configuration-error.js';
import type { CognitoOutcome } from '../../lib/cognito-outcome.js';
import type { RevocationRecord, RevokeInput } from '../../lib/revocations.js';
import {
  COGNITO_MAX_REFRESH_TOKEN_DAYS,
  cognitoUserSessions,
  loadTokenLifetimes,
  revokeUserSessions,
  sessionRevocationSeconds,
} from '../../lib/user-revocation.js';

// The one implementation behind users_revoke_tokens and `npm run admin -- revoke user`. The same
// through /mcp and the CLI against the local stack: tests/integration/user-revocation.test.ts.
const DAY = 86_400;
const AT = new Date('2026-12-01T10:00:00Z');
const AT_SECONDS = AT.getTime() / 1000;

function memoryRevocations(events: string[] = []) {
  const rows: RevocationRecord[] = [];
  return {
    rows,
    async revoke(input: RevokeInput): Promise<RevocationRecord> {
      events.push('row');
      const revokedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
      const record: RevocationRecord = {
        pk: `${input.kind}#${input.subject}`,
        kind: input.kind,
        subject: input.subject,
        notBefore: revokedAt,
        revokedAt,
        expiresAt: input.expiresAt,
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.revokedBy ? { revokedBy: input.revokedBy } : {}),
      };
      rows.push(record);
      return record;
    },
  };
}

const sessionsAnswering = (outcome: CognitoOutcome, events: string[] = [], asked: unknown[] = []) => ({
  async signOutEverywhere(user: unknown) {
    events.push('sign-out');
    asked.push(user);
    return outcome;
  },
});

describe('how long a user revocation lasts', () => {
  it('outlives the last access token a refresh token of a session started before it can obtain', () => {
    // Refresh tokens expire R after the sign-in; the last access token from one lives A more.
    expect(sessionRevocationSeconds({ maxRefreshTokenDays: 30, maxAccessTokenSeconds: 3600 })).toBe(30 * DAY + 3600 + 300);
    expect(sessionRevocationSeconds({ maxRefreshTokenDays: 3650, maxAccessTokenSeconds: DAY })).toBe(3650 * DAY + DAY + 300);
  });

  it("defaults to Cognito's ceilings: true for every client, the operator's own included", () => {
    expect(loadTokenLifetimes({})).toEqual({ maxRefreshTokenDays: COGNITO_MAX_REFRESH_TOKEN_DAYS, maxAccessTokenSeconds: DAY });
  });

  it('reads the bound from the stage parameters, and refuses one below the dynamic clients’ refresh lifetime', () => {
    expect(loadTokenLifetimes({ MAX_REFRESH_TOKEN_DAYS: '30', DCR_REFRESH_TOKEN_DAYS: '30', MCP_MAX_TOKEN_LIFETIME_SECONDS: '3600' })).toEqual({
      maxRefreshTokenDays: 30,
      maxAccessTokenSeconds: 3600,
    });
    expect(() => loadTokenLifetimes({ MAX_REFRESH_TOKEN_DAYS: '7', DCR_REFRESH_TOKEN_DAYS: '30' })).toThrow(
      /MAX_REFRESH_TOKEN_DAYS: 7 is below DCR_REFRESH_TOKEN_DAYS \(30\)/,
    );
  });

  it.each([
    ['MAX_REFRESH_TOKEN_DAYS', '0', 'must be an integer from 1 to 3650'],
    ['MAX_REFRESH_TOKEN_DAYS', '3651', 'must be an integer from 1 to 3650'],
    ['MAX_REFRESH_TOKEN_DAYS', '30d', 'must be an integer from 1 to 3650'],
    ['DCR_REFRESH_TOKEN_DAYS', '-1', 'must be an integer from 1 to 3650'],
    ['MCP_MAX_TOKEN_LIFETIME_SECONDS', '90000', 'must be an integer from 300 to 86400'],
  ])('refuses %s=%s at cold start', (name, value, message) => {
    expect(() => loadTokenLifetimes({ [name]: value })).toThrow(ConfigurationError);
    expect(() => loadTokenLifetimes({ [name]: value })).toThrow(`${name}: ${message}`);
  });
});

describe('revokeUserSessions', () => {
  const lifetimes = { maxRefreshTokenDays: 30, maxAccessTokenSeconds: 3600 };

  it('writes the row first, for the whole session bound, then signs the user out of Cognito', async () => {
    const events: string[] = [];
    const asked: unknown[] = [];
    const revocations = memoryRevocations(events);
    const result = await revokeUserSessions({ revocations, sessions: sessionsAnswering({ status: 'done' }, events, asked) }, lifetimes, {
      sub: 'user-1',
      reason: 'lost laptop',
      revokedBy: 'admin-1',
      now: AT,
    });
    expect(events).toEqual(['row', 'sign-out']);
    expect(asked).toEqual([{ sub: 'user-1', username: undefined }]);
    expect(result.signOut).toEqual({ status: 'done' });
    expect(result.record).toMatchObject({ pk: 'user#user-1', notBefore: AT_SECONDS, revokedAt: AT_SECONDS, reason: 'lost laptop', revokedBy: 'admin-1' });
    expect(result.record.expiresAt - AT_SECONDS).toBe(30 * DAY + 3600 + 300);
  });

  it('reports a failed sign-out without undoing the row (it stands whatever Cognito says)', async () => {
    const revocations = memoryRevocations();
    const failed: CognitoOutcome = { status: 'failed', message: 'TooManyRequestsException: Rate exceeded' };
    const result = await revokeUserSessions({ revocations, sessions: sessionsAnswering(failed) }, lifetimes, { sub: 'user-2', now: AT });
    expect(result.signOut).toEqual(failed);
    expect(revocations.rows).toHaveLength(1);
  });

  it('does not sign out when the row could not be written: the caller sees the error and retries', async () => {
    const events: string[] = [];
    const revocations = { revoke: async () => Promise.reject(new Error('DynamoDB down')) };
    await expect(revokeUserSessions({ revocations, sessions: sessionsAnswering({ status: 'done' }, events) }, lifetimes, { sub: 'u' })).rejects.toThrow(
      'DynamoDB down',
    );
    expect(events).toEqual([]);
  });

  it('takes an explicit lifetime (the CLI --expires-in)', async () => {
    const result = await revokeUserSessions({ revocations: memoryRevocations(), sessions: sessionsAnswering({ status: 'done' }) }, lifetimes, {
      sub: 'u',
      now: AT,
      lifetimeSeconds: 600,
    });
    expect(result.record.expiresAt - AT_SECONDS).toBe(600);
  });
});

describe('cognitoUserSessions', () => {
  // Stands in for AWS Cognito, which cannot run here: only the answers the code branches on.
  function cognitoAnswering(answer: (command: { constructor: { name: string }; input: Record<string, unknown> }) => unknown) {
    const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
    const client = {
      async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
        sent.push({ name: command.constructor.name, input: command.input });
        return answer(command);
      },
    };
    return { sent, client: client as unknown as CognitoIdentityProviderClient };
  }

  it('finds the username by sub, then signs it out', async () => {
    const cognito = cognitoAnswering((command) =>
      command.constructor.name === 'ListUsersCommand' ? { Users: [{ Username: 'alice', Attributes: [{ Name: 'sub', Value: 'sub-1' }] }] } : {},
    );
    expect(await cognitoUserSessions('us-east-1_Pool', sdkCognitoApi(cognito.client)).signOutEverywhere({ sub: 'sub-1' })).toEqual({ status: 'done' });
    expect(cognito.sent).toEqual([
      { name: 'ListUsersCommand', input: { UserPoolId: 'us-east-1_Pool', Filter: 'sub = "sub-1"', Limit: 1 } },
      { name: 'AdminUserGlobalSignOutCommand', input: { UserPoolId: 'us-east-1_Pool', Username: 'alice' } },
    ]);
  });

  it('says so when the pool has no such user', async () => {
    const cognito = cognitoAnswering(() => ({ Users: [] }));
    expect(await cognitoUserSessions('us-east-1_Pool', sdkCognitoApi(cognito.client)).signOutEverywhere({ sub: 'gone' })).toMatchObject({ status: 'no_user' });
  });

  it('reports an AWS error as failed, with its name, never as done', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform cognito-idp:AdminUserGlobalSignOut'), { name: 'AccessDeniedException' });
    const cognito = cognitoAnswering((command) => {
      if (command.constructor.name === 'AdminUserGlobalSignOutCommand') throw denied;
      return {};
    });
    expect(await cognitoUserSessions('us-east-1_Pool', sdkCognitoApi(cognito.client)).signOutEverywhere({ sub: 's', username: 'alice' })).toEqual({
      status: 'failed',
      message: 'AccessDeniedException: User is not authorized to perform cognito-idp:AdminUserGlobalSignOut',
    });
  });
});

describe('users_revoke_tokens', () => {
  const output = z.object(usersRevokeTokens.outputSchema);
  const run = (signOut: CognitoOutcome) =>
    usersRevokeTokens.run(
      { sub: 'user-3' },
      {
        caller: { principal: 'admin-1' } as never,
        scopes: new Set(['admin']),
        services: {
          revocations: memoryRevocations(),
          userSessions: sessionsAnswering(signOut),
          tokenLifetimes: { maxRefreshTokenDays: 30, maxAccessTokenSeconds: 3600 },
        } as unknown as ToolServices,
        now: () => AT,
      },
    );

  it('lasts the session bound and says the sign-out was done', async () => {
    const result = output.parse(await run({ status: 'done' }));
    expect(Date.parse(result.expiresAt) - Date.parse(result.notBefore)).toBe((30 * DAY + 3600 + 300) * 1000);
    expect(result).toMatchObject({ cognitoSignOut: 'done' });
    expect(result).not.toHaveProperty('cognitoSignOutDetail');
    expect(usersRevokeTokens.render(result)).toContain('Signed the user out of Cognito.');
  });

  it.each([
    [{ status: 'failed', message: 'InternalErrorException: boom' } as CognitoOutcome, 'InternalErrorException: boom'],
    [{ status: 'unsupported', message: 'not supported by this Cognito endpoint' } as CognitoOutcome, 'not supported by this Cognito endpoint'],
  ])('never presents a sign-out that was not done as success (%o)', async (signOut, detail) => {
    const result = output.parse(await run(signOut));
    expect(result).toMatchObject({ cognitoSignOut: signOut.status, cognitoSignOutDetail: detail });
    const text = usersRevokeTokens.render(result);
    expect(text).toContain('WARNING: the Cognito global sign-out was NOT done');
    expect(text).toContain(detail);
    expect(text).not.toContain('Signed the user out');
  });
});
