import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type ManagedProcess, httpAnswers, startProcess, waitUntil } from './processes.js';
import { DEMO_USER, LOCAL_REGION, LOCAL_USER_POOL_ID, type LocalStackSettings, urls } from './settings.js';

/** The issuer domain real Cognito uses, so that the production verifier accepts local tokens. */
const COGNITO_ISSUER_DOMAIN = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com`;

/**
 * cognito-local, with a user pool whose id has the AWS format and tokens whose issuer is the real
 * Cognito issuer: the authorizer's unchanged CognitoJwtVerifier accepts them, fetching the JWKS
 * from the emulator through the local-only mapping in authorizer/local-jwks.ts.
 */
export async function startCognito(settings: LocalStackSettings): Promise<ManagedProcess> {
  const workDir = join(settings.dataDir, 'cognito');
  prepareCognitoFiles(workDir);
  const require = createRequire(import.meta.url);
  const managed = startProcess('cognito', process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: workDir,
    env: { ...process.env, PORT: String(settings.cognitoPort), HOST: 'localhost', NODE_OPTIONS: '' },
    logDir: join(settings.dataDir, 'logs'),
  });
  const jwksUrl = `${urls(settings).cognitoUrl}/${LOCAL_USER_POOL_ID}/.well-known/jwks.json`;
  await waitUntil('cognito-local', () => httpAnswers(jwksUrl), { timeoutMs: 90_000, process: managed });
  return managed;
}

function prepareCognitoFiles(workDir: string): void {
  const dbDir = join(workDir, '.cognito', 'db');
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(
    join(workDir, '.cognito', 'config.json'),
    JSON.stringify({ TokenConfig: { IssuerDomain: COGNITO_ISSUER_DOMAIN } }, null, 2),
  );
  const poolFile = join(dbDir, `${LOCAL_USER_POOL_ID}.json`);
  if (!existsSync(poolFile)) {
    const options = { Id: LOCAL_USER_POOL_ID, Name: 'secure-mcp-local', UsernameAttributes: ['email'] };
    writeFileSync(poolFile, JSON.stringify({ Options: options, Users: {}, Groups: {} }, null, 2));
  }
}

export function localCognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The demo user (confirmed, permanent password) and its groups. Safe to run again. */
export async function seedDemoUser(endpoint: string): Promise<{ sub: string }> {
  const cognito = localCognitoClient(endpoint);
  const pool = { UserPoolId: LOCAL_USER_POOL_ID };
  try {
    for (const group of DEMO_USER.groups) {
      await cognito.send(new CreateGroupCommand({ ...pool, GroupName: group })).catch((error: Error) => {
        if (error.name !== 'GroupExistsException') throw error;
      });
    }
    if (!(await userExists(cognito, DEMO_USER.username))) {
      await cognito.send(
        new AdminCreateUserCommand({
          ...pool,
          Username: DEMO_USER.username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: DEMO_USER.username },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    }
    await cognito.send(
      new AdminSetUserPasswordCommand({ ...pool, Username: DEMO_USER.username, Password: DEMO_USER.password, Permanent: true }),
    );
    for (const group of DEMO_USER.groups) {
      await cognito.send(new AdminAddUserToGroupCommand({ ...pool, Username: DEMO_USER.username, GroupName: group }));
    }
    const user = await cognito.send(new AdminGetUserCommand({ ...pool, Username: DEMO_USER.username }));
    const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!sub) throw new Error('cognito-local returned the demo user without a sub');
    return { sub };
  } finally {
    cognito.destroy();
  }
}

async function userExists(cognito: CognitoIdentityProviderClient, username: string): Promise<boolean> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: username }));
    return true;
  } catch (error) {
    if (error instanceof UserNotFoundException || (error as Error).name === 'UserNotFoundException') return false;
    throw error;
  }
}
