import { localCognitoClient } from './cognito.js';
import { ensureNamedAppClient } from './named-app-client.js';

const NAME = 'connected apps page';

/**
 * The local stand-in for resources/cognito.yml's AppsPageUserPoolClient: the facade's own app
 * client for the /apps page's sign-in, its one callback {base}/apps/callback (following
 * MCP_LOCAL_PORT). Created once, then reused; not in the client registry, like on AWS.
 */
export async function seedAppsPageClient(cognitoEndpoint: string, baseUrl: string): Promise<string> {
  const cognito = localCognitoClient(cognitoEndpoint);
  try {
    return await ensureNamedAppClient(cognito, NAME, { CallbackURLs: [`${baseUrl}/apps/callback`], AllowedOAuthScopes: ['openid', 'email'] });
  } finally {
    cognito.destroy();
  }
}
