import { z } from 'zod';
import { revokeUserSessions } from '../../../lib/user-revocation.js';
import { defineTool } from '../tool.js';
import { userSub } from './users-revocation-status.js';

export default defineTool({
  name: 'users_revoke_tokens',
  title: "Revoke a user's tokens",
  description:
    'Revokes every token of every session a user started until now, on every client, refreshed tokens included ' +
    '(for example after a lost device), and signs the user out of Cognito so that their refresh tokens stop working. ' +
    'Sessions the user starts afterwards work. Takes effect within the authorizer cache TTL.',
  scope: 'admin',
  inputSchema: {
    sub: userSub,
    reason: z.string().trim().min(1).max(200).optional().describe('Recorded with the revocation'),
  },
  outputSchema: {
    sub: z.string(),
    notBefore: z.iso.datetime().describe('Tokens of sessions started before this time are refused'),
    expiresAt: z.iso.datetime().describe('When the revocation lapses: every token of those sessions has expired by then'),
    revokedBy: z.string(),
    cognitoSignOut: z
      .enum(['done', 'unsupported', 'failed', 'no_user'])
      .describe("Cognito's global sign-out of the user: anything but done means their refresh tokens may still work at Cognito"),
    cognitoSignOutDetail: z.string().optional().describe('Why the sign-out was not done'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  confirm: (input) =>
    `Revoke every token of user ${input.sub} from every session until now, and sign them out of Cognito?` +
    (input.reason ? ` Reason: ${input.reason}.` : ''),
  async run(input, { caller, services, now }) {
    const { record, signOut } = await revokeUserSessions(
      { revocations: services.revocations, sessions: services.userSessions },
      services.tokenLifetimes,
      { sub: input.sub, reason: input.reason, revokedBy: caller.principal, now: now() },
    );
    return {
      sub: input.sub,
      notBefore: new Date((record.notBefore ?? record.revokedAt) * 1000).toISOString(),
      expiresAt: new Date(record.expiresAt * 1000).toISOString(),
      revokedBy: caller.principal,
      cognitoSignOut: signOut.status,
      ...(signOut.status === 'done' ? {} : { cognitoSignOutDetail: signOut.message }),
    };
  },
  render: (output) => {
    const revoked = `Revoked the tokens of ${output.sub} from sessions started before ${output.notBefore} (refused until ${output.expiresAt}).`;
    if (output.cognitoSignOut === 'done') return `${revoked} Signed the user out of Cognito.`;
    if (output.cognitoSignOut === 'no_user') return `${revoked} Cognito has no such user, so there was nothing to sign out.`;
    // Never reported as success: the refresh tokens still renew at Cognito (this server refuses the results).
    return (
      `${revoked} WARNING: the Cognito global sign-out was NOT done (${output.cognitoSignOutDetail ?? output.cognitoSignOut}): ` +
      'the refresh tokens still obtain new tokens from Cognito, which this server refuses until the revocation lapses. Retry this tool to sign the user out.'
    );
  },
});
