import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { localCognitoClient } from '../../local/cognito.js';
import type { StackInfo } from '../../local/stack.js';

export interface TestUser {
  username: string;
  password: string;
  sub: string;
}

/** A fresh, confirmed user in cognito-local (through the Cognito admin API), optionally in groups. */
export async function createTestUser(stack: StackInfo, options: { groups?: string[] } = {}): Promise<TestUser> {
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const pool = { UserPoolId: stack.userPoolId };
  const username = `user-${crypto.randomUUID()}@example.com`;
  const password = `Pw-${crypto.randomUUID()}`;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        ...pool,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ ...pool, Username: username, Password: password, Permanent: true }));
    for (const group of options.groups ?? []) {
      await cognito.send(new AdminAddUserToGroupCommand({ ...pool, Username: username, GroupName: group }));
    }
    const user = await cognito.send(new AdminGetUserCommand({ ...pool, Username: username }));
    const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!sub) throw new Error('cognito-local returned a user without a sub');
    return { username, password, sub };
  } finally {
    cognito.destroy();
  }
}
