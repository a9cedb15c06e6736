import { type Check, fail } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { isHttpsOrLoopback, jsonObject, request } from '../http.js';

/** RFC 9728: the document the challenge names, for exactly this resource, naming its authorization server. */
export const resourceMetadataCheck: Check<VerifyContext> = {
  id: 'resource-metadata',
  title: 'Protected resource metadata (RFC 9728): resource is this endpoint, an authorization server named',
  needs: ['challenge'],
  async run(context) {
    const url = context.challenge!.resourceMetadataUrl;
    const response = await request(url, { headers: { Accept: 'application/json' } });
    if (response.status !== 200) fail(`GET ${url} answered HTTP ${response.status}`);
    const metadata = await jsonObject(response, 'the protected resource metadata');
    // RFC 9728 §3.3: a client must refuse metadata whose resource is not the URL it is using.
    if (metadata.resource !== context.target.mcpUrl) {
      fail(`resource is ${JSON.stringify(metadata.resource)}, not ${context.target.mcpUrl} (check publicBaseUrl)`);
    }
    const servers = metadata.authorization_servers;
    if (!Array.isArray(servers) || servers.length === 0) fail('authorization_servers is missing or empty');
    const authorizationServer = (servers as unknown[])[0];
    if (!isHttpsOrLoopback(authorizationServer)) fail(`authorization_servers[0] is not an https URL: ${JSON.stringify(authorizationServer)}`);
    const scopes = Array.isArray(metadata.scopes_supported) ? metadata.scopes_supported.filter((scope): scope is string => typeof scope === 'string') : [];
    context.resource = { authorizationServer: authorizationServer as string, scopes };
    return `authorization server ${authorizationServer}${scopes.length ? `, scopes ${scopes.join(' ')}` : ''}`;
  },
};
