import type { AppClientRecord } from '../../lib/client-record.js';
import { OAuthError } from '../errors.js';
import type { CognitoTokenEndpoint } from './cognito-token-endpoint.js';
import type { TokenClient } from './client-authentication.js';
import type { TokenResponse } from './context.js';

/**
 * refresh_token: the client must be registered, active, and authenticate as registered; Cognito
 * then checks that the refresh token is this app client's. `scope` cannot be narrowed at Cognito
 * on refresh, so it is not forwarded (the token keeps the scopes of the original grant).
 */
export async function refreshTokenGrant(
  form: Record<string, string>,
  client: TokenClient,
  row: { clientId: string; grantTypes: AppClientRecord['grantTypes'] | undefined; source: AppClientRecord['source'] },
  deps: { cognito: CognitoTokenEndpoint },
): Promise<TokenResponse> {
  if (!form.refresh_token) throw new OAuthError('invalid_request', 'The request has no refresh_token');
  if (row.grantTypes && !row.grantTypes.includes('refresh_token') && row.source !== 'manual') {
    throw new OAuthError('unauthorized_client', 'This client may not use the refresh_token grant');
  }
  const tokens = await deps.cognito.exchange(
    { grant_type: 'refresh_token', refresh_token: form.refresh_token },
    { appClientId: row.clientId, secret: client.secret },
  );
  return { tokens };
}
