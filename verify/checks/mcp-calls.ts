import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { REQUEST_TIMEOUT_MS } from '../http.js';
import { type Era, withMcpClient } from '../mcp-client.js';

const EXPECTED_VERSION: Record<Era, string> = { legacy: '2025-11-25', modern: '2026-07-28' };

/** tools/list in one protocol era, through the official client, with the signed-in token. */
function toolsListCheck(era: Era, title: string): Check<VerifyContext> {
  return {
    id: `tools-list-${era}`,
    title,
    needs: ['token'],
    async run(context) {
      return withMcpClient(context.target.mcpUrl, context.signIn!.accessToken!, era, async (client) => {
        const version = client.getNegotiatedProtocolVersion();
        if (version !== EXPECTED_VERSION[era]) fail(`the client and server agreed on ${version ?? 'nothing'}, not ${EXPECTED_VERSION[era]}`);
        const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
        if (tools.length === 0) fail('tools/list answered no tools');
        return `${version}: ${tools.length} tools (${tools.map((tool) => tool.name).slice(0, 6).join(', ')}${tools.length > 6 ? ', …' : ''})`;
      });
    },
  };
}

export const legacyToolsListCheck = toolsListCheck('legacy', 'tools/list, 2025-11-25 (initialize handshake)');
export const modernToolsListCheck = toolsListCheck('modern', 'tools/list, 2026-07-28 (stateless; MCP-Protocol-Version and Mcp-Method headers)');

/** A tools/call that shows the server saw this sign-in: whoami names the client the token was issued to. */
export const whoamiCheck: Check<VerifyContext> = {
  id: 'whoami',
  title: 'tools/call whoami answers with the signed-in user and client',
  needs: ['token'],
  async run(context) {
    const signIn = context.signIn!;
    return withMcpClient(context.target.mcpUrl, signIn.accessToken!, 'modern', async (client) => {
      const result = await client.callTool({ name: 'whoami', arguments: {} }, { timeout: REQUEST_TIMEOUT_MS });
      if (result.isError) fail(`whoami failed: ${JSON.stringify(result.content).slice(0, 200)}`);
      const identity = (result.structuredContent ?? {}) as { username?: unknown; clientId?: unknown; grantedScopes?: unknown };
      if (identity.clientId !== signIn.clientId) fail(`whoami names client ${JSON.stringify(identity.clientId)}, not ${signIn.clientId}`);
      const scopes = Array.isArray(identity.grantedScopes) ? identity.grantedScopes.join(', ') : '?';
      return `${String(identity.username)} via ${signIn.clientId}, scopes ${scopes}`;
    });
  },
};
