import { z } from 'zod';
import { defineTool } from '../tool.js';

export const userSub = z.string().regex(/^[\w-]{1,128}$/, 'A user id (sub) is 1 to 128 letters, digits, "_" or "-"').describe("The user's sub");

export default defineTool({
  name: 'users_revocation_status',
  title: "Look up a user's token revocation",
  description:
    "Tells whether a user's tokens are revoked: if so, every token issued to them before notBefore is refused until expiresAt.",
  scope: 'admin',
  inputSchema: { sub: userSub },
  outputSchema: {
    sub: z.string(),
    revoked: z.boolean(),
    notBefore: z.iso.datetime().optional().describe('Tokens issued before this time are refused'),
    expiresAt: z.iso.datetime().optional().describe('When the revocation lapses (every affected token has expired by then)'),
    reason: z.string().optional(),
    revokedBy: z.string().optional(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, { services, now }) {
    const record = await services.lookupRevocation('user', input.sub, Math.floor(now().getTime() / 1000));
    if (!record) return { sub: input.sub, revoked: false };
    return {
      sub: input.sub,
      revoked: true,
      notBefore: new Date((record.notBefore ?? record.revokedAt) * 1000).toISOString(),
      expiresAt: new Date(record.expiresAt * 1000).toISOString(),
      ...(record.reason ? { reason: record.reason } : {}),
      ...(record.revokedBy ? { revokedBy: record.revokedBy } : {}),
    };
  },
  render: (output) =>
    output.revoked
      ? `Tokens of ${output.sub} issued before ${output.notBefore} are revoked (until ${output.expiresAt}).`
      : `No revocation is in force for ${output.sub}.`,
});
