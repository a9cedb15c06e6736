import { parseArgs } from 'node:util';
import { DEFAULT_CHROMIUM_PATH } from './browser-sign-in.js';
import type { VerifyOptions } from './context.js';
import { isLoopbackHost } from './target.js';

export const HELP = `Usage: npm run verify -- <URL> [options]

Checks an MCP endpoint, deployed or local, the way an MCP client meets it, and prints a checklist
with a one-line cause for each failure. Exit status 0 only when nothing failed.

<URL>   The API's base URL or its MCP endpoint, e.g.
        https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp, https://mcp.example.com,
        http://localhost:3000

Without credentials: the 401 challenge and its resource_metadata, the protected resource metadata
(RFC 9728), the authorization server metadata (RFC 8414: issuer, PKCE S256, CIMD, RFC 9207,
registration endpoint), CORS (an allowed origin; an unknown Origin refused with 403), and a client
registration made, read and deleted again (RFC 7591, RFC 7592).

With a user's credentials, also: a sign-in through the real pages in headless Chromium
(/authorize, consent, the login page, a loopback callback), the token exchange with PKCE and
resource, tools/list in 2025-11-25 and 2026-07-28, a whoami tools/call, an unknown Origin refused
with a valid token, and the token revoked and then refused; the client registered for it is deleted.

Options:
  --user <name>             Sign in as this user (or MCP_VERIFY_USER).
  --password <password>     Their password (or MCP_VERIFY_PASSWORD, which keeps it out of the
                            shell history and the process list).
  --origin <origin>         A browser origin the deployment allows (default: the one its 401 names).
  --no-register             Register no client: skips the registration check; a sign-in then needs
                            --client-id.
  --initial-access-token <token>
                            For a stage that requires one to register (dcrInitialAccessTokenSha256),
                            or MCP_VERIFY_INITIAL_ACCESS_TOKEN.
  --client-id <id>          Sign in through this public client instead of registering one.
  --redirect-uri <uri>      The loopback redirect URI registered for --client-id
                            (default http://127.0.0.1/callback; a free port is taken when it has none).
  --revocation-wait <s>     How long a revoked token may keep working (default 75: the authorizer
                            cache TTL, authorizerCacheTtl, is 60 s by default).
  --json                    Print the results as one JSON document.
  --help                    This text.

Environment: CHROMIUM_PATH (default ${DEFAULT_CHROMIUM_PATH}).
`;

export class UsageError extends Error {}

export interface ParsedCommand {
  help: boolean;
  json: boolean;
  options?: VerifyOptions;
}

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        user: { type: 'string' },
        password: { type: 'string' },
        origin: { type: 'string' },
        'no-register': { type: 'boolean' },
        'initial-access-token': { type: 'string' },
        'client-id': { type: 'string' },
        'redirect-uri': { type: 'string' },
        'revocation-wait': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help) return { help: true, json };
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one URL expected, got ${positionals.length}` : 'give the URL to check');
  const user = values.user ?? env.MCP_VERIFY_USER ?? undefined;
  const password = values.password ?? env.MCP_VERIFY_PASSWORD ?? undefined;
  if ((user === undefined) !== (password === undefined)) throw new UsageError('give both --user and --password (or MCP_VERIFY_USER and MCP_VERIFY_PASSWORD), or neither');
  const initialAccessToken = values['initial-access-token'] ?? env.MCP_VERIFY_INITIAL_ACCESS_TOKEN ?? undefined;
  const redirectUri = values['redirect-uri'] ?? 'http://127.0.0.1/callback';
  const redirect = URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
  if (!redirect || redirect.protocol !== 'http:' || !isLoopbackHost(redirect.hostname)) throw new UsageError(`--redirect-uri must be an http loopback URI (http://127.0.0.1/callback), not ${redirectUri}`);
  if (values['redirect-uri'] && !values['client-id']) throw new UsageError('--redirect-uri goes with --client-id');
  const wait = Number(values['revocation-wait'] ?? 75);
  if (!Number.isInteger(wait) || wait < 0 || wait > 3600) throw new UsageError('--revocation-wait takes whole seconds, 0 to 3600');
  let origin: string | undefined;
  if (values.origin !== undefined) {
    origin = URL.canParse(values.origin) ? new URL(values.origin).origin : 'null';
    if (origin === 'null' || origin !== values.origin.replace(/\/$/, '')) throw new UsageError(`--origin must be an origin such as https://app.example.com, not ${values.origin}`);
  }
  return {
    help: false,
    json,
    options: {
      url: positionals[0]!,
      ...(user !== undefined ? { user, password } : {}),
      ...(origin ? { origin } : {}),
      register: values['no-register'] !== true,
      ...(initialAccessToken ? { initialAccessToken } : {}),
      ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      redirectUri,
      chromiumPath: env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH,
      revocationWaitSeconds: wait,
    },
  };
}
