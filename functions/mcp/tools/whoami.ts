import { z } from 'zod';
import { SCOPE_NAMES } from '../../../lib/oauth/scopes.js';
import { defineTool } from '../tool.js';

export default defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the identity this server verified for the caller: user, client, scopes and groups.',
  scope: 'read',
  inputSchema: {},
  outputSchema: {
    sub: z.string().describe('Stable user id (the token subject)'),
    username: z.string(),
    principal: z.string().describe('Whose data the tools act on: the user, or an API key owner'),
    authMethod: z.enum(['jwt', 'api_key']),
    clientId: z.string().describe('The OAuth client the token was issued to'),
    scopes: z.array(z.string()).describe('Scopes the token carries'),
    grantedScopes: z.array(z.enum(SCOPE_NAMES)).describe('MCP scopes in effect (token scopes plus those granted by groups)'),
    groups: z.array(z.string()),
    tokenExpiresAt: z.iso.datetime(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(_input, { caller, scopes }) {
    return {
      sub: caller.sub,
      username: caller.username,
      principal: caller.principal,
      authMethod: caller.authMethod,
      clientId: caller.clientId,
      scopes: caller.scopes,
      grantedScopes: SCOPE_NAMES.filter((name) => scopes.has(name)),
      groups: caller.groups,
      tokenExpiresAt: new Date(caller.expiresAt * 1000).toISOString(),
    };
  },
  render: (output) =>
    `You are ${output.username} (sub ${output.sub}) via client ${output.clientId}, with ${output.grantedScopes.join(', ') || 'no'} access.`,
});
