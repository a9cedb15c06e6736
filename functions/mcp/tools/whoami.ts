import { z } from 'zod';
import { defineTool } from '../tool.js';

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the identity this server verified for the caller: user, client, scopes and groups.',
  inputSchema: {},
  outputSchema: {
    sub: z.string().describe('Stable user id (the token subject)'),
    username: z.string(),
    clientId: z.string().describe('The OAuth client the token was issued to'),
    scopes: z.array(z.string()),
    groups: z.array(z.string()),
    tokenExpiresAt: z.iso.datetime(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(_input, caller) {
    return {
      sub: caller.sub,
      username: caller.username,
      clientId: caller.clientId,
      scopes: caller.scopes,
      groups: caller.groups,
      tokenExpiresAt: new Date(caller.expiresAt * 1000).toISOString(),
    };
  },
  render: (output) => `You are ${output.username} (sub ${output.sub}) via client ${output.clientId}.`,
});
