import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { MCP_POST_HEADERS, isHttpsOrLoopback, request } from '../http.js';

/** What a client sends first: an MCP request with no token. */
export const INITIALIZE_REQUEST = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'npm run verify', version: '1' } },
};

/** MCP discovery starts here: a request without a token must get 401 and name the resource metadata. */
export const challengeCheck: Check<VerifyContext> = {
  id: 'challenge',
  title: 'POST /mcp without a token: 401 with WWW-Authenticate Bearer resource_metadata',
  async run(context) {
    const response = await request(context.target.mcpUrl, { method: 'POST', headers: MCP_POST_HEADERS, body: JSON.stringify(INITIALIZE_REQUEST) });
    await response.body?.cancel();
    if (response.status !== 401) {
      fail(response.status < 300
        ? `HTTP ${response.status} without a token: the endpoint is not protected (or the URL is not an MCP endpoint)`
        : `HTTP ${response.status} instead of 401${response.status === 404 ? ' (no MCP endpoint at this URL?)' : ''}`);
    }
    const header = response.headers.get('www-authenticate');
    // Read as the official client reads it (RFC 9728 §5.1).
    const resourceMetadataUrl = extractWWWAuthenticateParams(response).resourceMetadataUrl?.href;
    if (!resourceMetadataUrl) fail(header ? `WWW-Authenticate has no Bearer resource_metadata: ${header}` : 'the 401 has no WWW-Authenticate header');
    if (!isHttpsOrLoopback(resourceMetadataUrl)) fail(`resource_metadata is not an https URL: ${resourceMetadataUrl}`);
    // A gateway response can name one allowed origin only; it is the origin the CORS check tries.
    const allowOrigin = response.headers.get('access-control-allow-origin');
    context.challenge = { resourceMetadataUrl: resourceMetadataUrl!, ...(allowOrigin && allowOrigin !== '*' ? { allowedOrigin: allowOrigin } : {}) };
    return resourceMetadataUrl;
  },
};
