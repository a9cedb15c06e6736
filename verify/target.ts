/**
 * The URL a user gives `npm run verify`: the API's base URL or its MCP endpoint, deployed
 * (`https://{api}.execute-api.{region}.amazonaws.com/{stage}[/mcp]`, a custom domain) or local
 * (`http://localhost:3000[/mcp]`). Everything else is discovered from the server's own answers.
 */

export const MCP_PATH = '/mcp';

export interface Target {
  /** The MCP endpoint: the resource a client is given, and names in `resource`. */
  mcpUrl: string;
}

export class TargetError extends Error {}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const isLoopbackHost = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');

export function parseTarget(input: string): Target {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new TargetError(`"${input}" is not a URL; give the API's base URL or its /mcp endpoint, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetError(`${url.protocol} URLs are not MCP endpoints: use https (or http for a loopback host)`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TargetError(`http://${url.host} is not a loopback host: a deployed MCP endpoint is https (OAuth tokens must not cross the network in clear text)`);
  }
  if (url.username || url.password) throw new TargetError('The URL must not carry credentials (user:password@); give them with --user and --password');
  if (url.search || url.hash) throw new TargetError('Give the URL without a query or fragment');
  const path = url.pathname.replace(/\/+$/, '');
  const mcpPath = path.endsWith(MCP_PATH) ? path : `${path}${MCP_PATH}`;
  return { mcpUrl: `${url.origin}${mcpPath}` };
}
