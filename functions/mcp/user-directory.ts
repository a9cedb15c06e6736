import { type CognitoApi, cognitoApiFromEnvironment } from '../../lib/cognito/json-api.js';

/**
 * The signed-in user's e-mail, for whoami. Cognito's access tokens carry no email claim (only the
 * ID token does, and the MCP server never sees it); adding one would take a pre-token-generation
 * trigger (a Lambda on every token issued), so whoami asks Cognito once per call instead:
 * AdminGetUser by the token's `username`. The pool signs in by e-mail (UsernameAttributes), so the
 * username is an opaque id and the e-mail is an attribute.
 */
export interface UserDirectory {
  /** The user's e-mail; undefined when the user has none or no longer exists. */
  emailOf(username: string): Promise<string | undefined>;
}

interface AdminGetUserOutput {
  UserAttributes?: Array<{ Name?: string; Value?: string }>;
}

export function cognitoUserDirectory(userPoolId: string, cognito: CognitoApi = cognitoApiFromEnvironment()): UserDirectory {
  return {
    async emailOf(username) {
      try {
        const user = (await cognito('AdminGetUser', { UserPoolId: userPoolId, Username: username })) as AdminGetUserOutput;
        return user.UserAttributes?.find((attribute) => attribute.Name === 'email')?.Value;
      } catch (error) {
        if ((error as Error | undefined)?.name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },
  };
}
