import { z } from 'zod';
import { SCOPE_NAMES } from '../../../lib/oauth/scopes.js';
import { defineTool } from '../tool.js';

export default defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the identity this server verified for the caller: e-mail, user, client, scopes and groups.',
  scope: 'read',
  inputSchema: {},
  outputSchema: {
    email: z.string().nullable().describe('The signed-in user\'s e-mail (null for an API key, or when the user directory has none or cannot be read)'),
    sub: z.string().describe('Stable user id (the token subject)'),
    username: z.string().describe('The user pool\'s user name (an opaque id when users sign in by e-mail)'),
    principal: z.string().describe('Whose data the tools act on: the user, or an API key owner'),
    authMethod: z.enum(['jwt', 'api_key']),
    clientId: z.string().describe('The OAuth client the token was issued to, as the client knows it: a CIMD client\'s metadata document URL'),
    cognitoClientId: z.string().optional().describe('For a CIMD client: the Cognito app client behind its document URL'),
    scopes: z.array(z.string()).describe('Scopes the token carries'),
    grantedScopes: z.array(z.enum(SCOPE_NAMES)).describe('MCP scopes in effect (token scopes plus those granted by groups)'),
    groups: z.array(z.string()),
    tokenExpiresAt: z.iso.datetime(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(_input, { caller, scopes, services }) {
    return {
      email: caller.authMethod === 'jwt' ? await emailOrNull(() => services.users.emailOf(caller.username)) : null,
      sub: caller.sub,
      username: caller.username,
      principal: caller.principal,
      authMethod: caller.authMethod,
      clientId: caller.clientMetadataUrl ?? caller.clientId,
      ...(caller.clientMetadataUrl ? { cognitoClientId: caller.clientId } : {}),
      scopes: caller.scopes,
      grantedScopes: SCOPE_NAMES.filter((name) => scopes.has(name)),
      groups: caller.groups,
      tokenExpiresAt: new Date(caller.expiresAt * 1000).toISOString(),
    };
  },
  render: (output) =>
    `You are ${output.email ?? output.username} (sub ${output.sub}) via client ${output.clientId}, with ${output.grantedScopes.join(', ') || 'no'} access.`,
});

/** whoami reports who the caller is even when the directory cannot be read right now: the e-mail is then null. */
async function emailOrNull(lookUp: () => Promise<string | undefined>): Promise<string | null> {
  try {
    return (await lookUp()) ?? null;
  } catch {
    return null;
  }
}
