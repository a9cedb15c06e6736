/**
 * `npm start`: the whole product on this machine, no AWS account and no Docker.
 * DynamoDB Local + cognito-local + serverless-offline behind a proxy that adds API Gateway's
 * gateway responses. Ctrl-C stops everything it started.
 */
import { rmSync } from 'node:fs';
import { type StackInfo, stackInfoFile, startLocalStack } from './stack.js';
import { settingsFromEnv } from './settings.js';
import { inspectExistingStack } from './start-checks.js';

function banner(info: StackInfo, seconds: string): string {
  return `
Local MCP stack is up (${seconds} s). Ctrl-C stops it.

  MCP endpoint          ${info.mcpUrl}
  Protected resource    ${info.baseUrl}/.well-known/oauth-protected-resource/mcp
  Authorization server  ${info.baseUrl}/.well-known/oauth-authorization-server
  Client registration   ${info.baseUrl}/register
  Authorization         ${info.baseUrl}/authorize  (consent, then Cognito's sign-in page)
  Token                 ${info.baseUrl}/token
  Connected apps        ${info.baseUrl}/apps  (a signed-in user's applications, and revoking them)
  Cognito callback      ${info.baseUrl}/oauth/callback  (the only callback URL of every app client)
  Local CIMD origins    ${process.env.MCP_LOCAL_CIMD_ORIGINS?.trim() || 'none (set MCP_LOCAL_CIMD_ORIGINS to publish client metadata documents on this machine)'}
  Cognito (emulator)    ${info.cognitoEndpoint}  (pool ${info.userPoolId})
  DynamoDB Local        ${info.dynamoDbEndpoint}

  Demo login            ${info.demoUser.username} / ${info.demoUser.password}  (group mcp-admins)
  Operator client id    ${info.operatorClientId}
                        (registered by the operator: the only kind through which the demo user's
                        group grants the admin tools; dynamically registered clients get read/write)

Connect the MCP Inspector (2.x):
  HOST=localhost npx @modelcontextprotocol/inspector
                        open it at localhost, not 127.0.0.1 (its redirect URI follows the page's
                        address; the operator client has http://localhost:6274/oauth/callback).
                        Add Servers > + Add manually: Transport streamable-http, URL ${info.mcpUrl};
                        connect and sign in with the demo login. For the admin tools: Server
                        Settings > OAuth Settings > Client ID = the operator client id above.
Connect an SDK client: see the README ("Connect a client"); the facts above are in
  ${stackInfoFileHint}
`;
}

let stackInfoFileHint = '';

// The emulators' clients run on this machine's Node; the deployed functions run on Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const file = stackInfoFile(settings);
  stackInfoFileHint = file;
  const existing = await inspectExistingStack(file);
  if (existing.kind === 'running') {
    console.log(`A local stack is already running (pid ${existing.info.pid}) at ${existing.info.baseUrl}; nothing to do.`);
    return;
  }
  if (existing.kind === 'unclear') throw new Error(existing.message);
  if (existing.kind === 'stale') rmSync(file, { force: true });
  const started = Date.now();
  console.log('Starting the local stack (DynamoDB Local, cognito-local, serverless-offline)...');
  const stack = await startLocalStack(settings);
  console.log(banner(stack.info, ((Date.now() - started) / 1000).toFixed(1)));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    await stack.stop();
    rmSync(file, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
}

main().catch((error: unknown) => {
  // The cause is named by the checks (Java, ports, settings, an existing stack) or quoted from the
  // failing part's log; whatever had started is stopped already.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Local stack failed to start: ${message}`);
  if (/EADDRINUSE/.test(message)) console.error('A port is taken: see the README for the MCP_LOCAL_*_PORT variables.');
  process.exit(1);
});
