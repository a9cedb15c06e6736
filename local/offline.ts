import { join } from 'node:path';
import { LOCAL_JWKS_VARIABLE } from '../authorizer/local-jwks.js';
import { LOCAL_CIMD_VARIABLE } from '../dcr/cimd/local-origins.js';
import { LOCAL_FUNCTION_ROLE_SOURCE, LOCAL_TOOL_CREDENTIALS_VARIABLE } from '../lib/aws/local-credentials.js';
import { type ManagedProcess, httpAnswers, startProcess, waitUntil } from './processes.js';
import { LOCAL_REGION, LOCAL_USER_POOL_ID, type LocalStackSettings, PROJECT_ROOT, urls } from './settings.js';

/** The local stack's build output, relative to the project (serverless-esbuild joins it to it). */
export function localBuildFolder(settings: Pick<LocalStackSettings, 'offlinePort'>): string {
  return join('.esbuild-local', String(settings.offlinePort));
}

/**
 * The environment of the `local` stage: what serverless.yml's local params read, the emulator
 * endpoints the AWS SDK picks up by itself (AWS_ENDPOINT_URL_*), dummy credentials, and the
 * local-only JWKS mapping. Built from scratch rather than inherited, so nothing from the
 * developer's shell (a real AWS profile, say) leaks into the functions.
 */
export function offlineEnvironment(settings: LocalStackSettings, seeded: { appsClientId?: string } = {}): NodeJS.ProcessEnv {
  const at = urls(settings);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    LOCAL_PUBLIC_BASE_URL: at.baseUrl,
    LOCAL_USER_POOL_ID: LOCAL_USER_POOL_ID,
    // The connected-apps page's app client, created by the stack before serverless-offline starts
    // ('none' before then: the service definition is also resolved earlier, for the tables).
    LOCAL_APPS_CLIENT_ID: seeded.appsClientId ?? 'none',
    LOCAL_COGNITO_URL: at.cognitoUrl,
    LOCAL_OFFLINE_PORT: String(settings.offlinePort),
    LOCAL_LAMBDA_PORT: String(settings.offlineLambdaPort),
    // serverless-esbuild's work folder for this stack alone: `serverless package` (and deploy) delete
    // theirs, `.esbuild`, when done, and a second local stack on other ports rebuilds its own.
    LOCAL_BUILD_FOLDER: localBuildFolder(settings),
    // Unset, serverless.yml's default applies (the MCP Inspector's origin).
    ...(settings.allowedOrigins === undefined ? {} : { LOCAL_ALLOWED_ORIGINS: settings.allowedOrigins }),
    [LOCAL_JWKS_VARIABLE]: at.cognitoUrl,
    // No STS runs here: tools get the function's own (dummy) credentials through the same cache and
    // session rules (lib/aws/local-credentials.ts, refused outside serverless-offline).
    [LOCAL_TOOL_CREDENTIALS_VARIABLE]: LOCAL_FUNCTION_ROLE_SOURCE,
    ...(settings.cimdOrigins === undefined ? {} : { [LOCAL_CIMD_VARIABLE]: settings.cimdOrigins }),
    ...(settings.extraCaFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: settings.extraCaFile }),
    AWS_REGION: LOCAL_REGION,
    // The local stack runs on the machine's Node 20; Lambda runs Node 22.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: at.dynamoDbUrl,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: at.cognitoUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: at.secretsUrl,
  };
}

/** serverless-offline runs the real handlers (bundled by serverless-esbuild) behind the API. */
export async function startOffline(settings: LocalStackSettings, seeded: { appsClientId?: string } = {}): Promise<ManagedProcess> {
  const cli = join(PROJECT_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const managed = startProcess(
    'offline',
    process.execPath,
    [cli, 'offline', 'start', '--stage', 'local', '--localEnvironment', '--noSponsor'],
    {
      cwd: PROJECT_ROOT,
      env: offlineEnvironment(settings, seeded),
      logDir: join(settings.dataDir, 'logs'),
      echo: settings.echoFunctionLogs,
    },
  );
  await waitUntil('serverless-offline', () => httpAnswers(`${urls(settings).offlineUrl}/health`), {
    timeoutMs: 60_000,
    process: managed,
  });
  return managed;
}
