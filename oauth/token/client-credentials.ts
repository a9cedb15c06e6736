import type { AppClientRecord } from '../../lib/client-record.js';
import { OAuthError } from '../errors.js';
import type { CognitoTokenEndpoint } from './cognito-token-endpoint.js';
import type { TokenClient } from './client-authentication.js';
import type { TokenResponse } from './context.js';

/**
 * client_credentials, for confidential clients registered for it (only when the operator enabled
 * it). Scopes as short or full names, each one the client was granted; resource must be ours.
 */
export async function clientCredentialsGrant(
  form: Record<string, string>,
  client: TokenClient,
  row: { clientId: string; grantTypes: AppClientRecord['grantTypes'] | undefined; scope: string },
  deps: { cognito: CognitoTokenEndpoint; resource: string; enabled: boolean },
): Promise<TokenResponse> {
  if (!deps.enabled || !row.grantTypes?.includes('client_credentials') || client.secret === undefined) {
    throw new OAuthError('unauthorized_client', 'This client may not use the client_credentials grant');
  }
  const granted = (row.scope ?? '').split(' ').filter(Boolean);
  const requested = (form.scope ?? '').split(' ').filter(Boolean).map((scope) => (scope.includes('/') ? scope : `${deps.resource}/${scope}`));
  if (requested.some((scope) => !granted.includes(scope))) throw new OAuthError('invalid_scope', 'The request names a scope this client may not have');
  if (form.resource !== undefined && form.resource.replace(/\/+$/, '') !== deps.resource) {
    throw new OAuthError('invalid_target', 'This server issues tokens only for its MCP endpoint');
  }
  const scopes = requested.length > 0 ? requested : granted;
  const tokens = await deps.cognito.exchange(
    { grant_type: 'client_credentials', scope: scopes.join(' '), resource: deps.resource },
    { appClientId: row.clientId, secret: client.secret },
  );
  return { tokens, scope: scopes.join(' ') };
}
