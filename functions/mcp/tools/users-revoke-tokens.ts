import { z } from 'zod';
import { defineTool } from '../tool.js';
import { userSub } from './users-revocation-status.js';

export default defineTool({
  name: 'users_revoke_tokens',
  title: "Revoke a user's tokens",
  description:
    'Revokes every access token issued to a user until now, on every client (for example after a lost device). ' +
    'Tokens the user obtains afterwards work. Takes effect within the authorizer cache TTL.',
  scope: 'admin',
  inputSchema: {
    sub: userSub,
    reason: z.string().trim().min(1).max(200).optional().describe('Recorded with the revocation'),
  },
  outputSchema: {
    sub: z.string(),
    notBefore: z.iso.datetime().describe('Tokens issued before this time are refused'),
    expiresAt: z.iso.datetime().describe('When the revocation lapses'),
    revokedBy: z.string(),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(input, { caller, services, now }) {
    const at = now();
    const record = await services.revocations.revoke({
      kind: 'user',
      subject: input.sub,
      expiresAt: Math.floor(at.getTime() / 1000) + services.maxTokenLifetimeSeconds,
      reason: input.reason,
      revokedBy: caller.principal,
      now: at,
    });
    return {
      sub: input.sub,
      notBefore: new Date((record.notBefore ?? record.revokedAt) * 1000).toISOString(),
      expiresAt: new Date(record.expiresAt * 1000).toISOString(),
      revokedBy: caller.principal,
    };
  },
  render: (output) => `Revoked the tokens of ${output.sub} issued before ${output.notBefore}.`,
});
