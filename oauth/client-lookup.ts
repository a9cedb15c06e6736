import { isCognitoClientId } from '../dcr/client-id.js';
import type { AppClients } from '../dcr/cognito-app-clients.js';
import type { ClientAuthMethod } from '../dcr/client-metadata.js';
import type { ClientRegistry } from '../dcr/client-registry.js';
import { cognitoClientName } from '../dcr/app-client-request.js';
import type { AuthorizeClient } from './authorize/context.js';
import { oauthError } from './errors.js';
import { CimdClientError } from '../dcr/cimd/cimd-clients.js';
import { looksLikeUrl } from '../dcr/cimd/client-id-url.js';
import { ClientCapacityError, RateLimitedError } from '../dcr/errors.js';
import {
  type CimdAliasRecord,
  type DynamicClientRecord,
  DAMAGED_CLIENT_RECORD,
  MalformedClientRecordError,
  type OperatorClientRecord,
  isActiveClient,
  isCimdAlias,
  isDynamicClient,
} from '../lib/client-record.js';

/**
 * The client behind a client_id, as /authorize sees it: one registry read. A dynamic client
 * registered before the facade (its app client's callback URLs are its own redirect URIs) is
 * migrated here, once: its app client gets the facade callback as its only callback URL, and the
 * row records it. Operator clients (source manual) must be re-registered by the operator, who
 * owns their settings (`npm run admin -- client register <id> --update`).
 */
export interface ClientLookupDependencies {
  /** CIMD client ids (https URLs); absent when the operator turned CIMD off. */
  cimd?: (clientId: string) => Promise<CimdAliasRecord>;
  registry: ClientRegistry;
  appClients: Pick<AppClients, 'updateClient'>;
  callbackUrl: string;
  onMigrated?: (clientId: string) => void;
  /** A CIMD client_id was refused: the page shows `reason`; `detail` (a resolver's text, say) is for the log. */
  onCimdRefused?: (clientId: string, reason: string, detail: string | undefined) => void;
}

const UNKNOWN = 'This application is not registered with this server (unknown client_id)';

export function toAuthorizeClient(row: DynamicClientRecord | OperatorClientRecord): AuthorizeClient {
  return {
    clientId: row.clientId,
    appClientId: row.clientId,
    source: row.source ?? 'dcr',
    clientName: row.clientName,
    redirectUris: row.redirectUris ?? [],
    scopes: (row.scope ?? '').split(' ').filter(Boolean),
    authMethod: (row.tokenEndpointAuthMethod ?? 'none') as ClientAuthMethod,
    createdAt: row.createdAt,
  };
}

export async function migrateToFacade(row: DynamicClientRecord, dependencies: ClientLookupDependencies): Promise<void> {
  await dependencies.appClients.updateClient(row.clientId, {
    name: cognitoClientName({ client_name: row.clientName }),
    scopes: (row.scope ?? '').split(' ').filter(Boolean),
    grantTypes: row.grantTypes as Array<'authorization_code' | 'refresh_token'>,
    confidential: (row.tokenEndpointAuthMethod ?? 'none') !== 'none',
  });
  await dependencies.registry.setCognitoCallbackUrl(row.clientId, dependencies.callbackUrl);
  dependencies.onMigrated?.(row.clientId);
}

export function cimdAuthorizeClient(alias: CimdAliasRecord): AuthorizeClient {
  return {
    clientId: alias.clientId,
    appClientId: alias.aliasOf,
    source: 'cimd',
    clientName: alias.clientName,
    redirectUris: alias.redirectUris,
    scopes: alias.scope.split(' ').filter(Boolean),
    authMethod: alias.tokenEndpointAuthMethod ?? 'none',
    createdAt: alias.createdAt,
  };
}

async function lookUpCimdClient(
  clientId: string,
  resolve: (clientId: string) => Promise<CimdAliasRecord>,
  onRefused: ClientLookupDependencies['onCimdRefused'],
): Promise<AuthorizeClient> {
  try {
    return cimdAuthorizeClient(await resolve(clientId));
  } catch (error) {
    if (error instanceof CimdClientError) {
      onRefused?.(clientId, error.message, error.detail);
      throw oauthError('invalid_client', error.message);
    }
    if (error instanceof RateLimitedError || error instanceof ClientCapacityError) {
      throw oauthError('temporarily_unavailable', 'This server cannot register more applications right now; try again later', 503);
    }
    throw error;
  }
}

export async function lookUpClient(clientId: string, dependencies: ClientLookupDependencies): Promise<AuthorizeClient> {
  if (looksLikeUrl(clientId)) {
    if (!dependencies.cimd) throw oauthError('invalid_client', 'This server does not accept Client ID Metadata Document URLs as client_id');
    return lookUpCimdClient(clientId, dependencies.cimd, dependencies.onCimdRefused);
  }
  if (!isCognitoClientId(clientId)) throw oauthError('invalid_client', UNKNOWN);
  const row = await dependencies.registry.get(clientId).catch((error: unknown) => {
    if (error instanceof MalformedClientRecordError) throw oauthError('invalid_client', DAMAGED_CLIENT_RECORD);
    throw error;
  });
  // An alias is keyed by a URL, never by a Cognito id: none can be here.
  if (!row || isCimdAlias(row) || !isActiveClient(row)) throw oauthError('invalid_client', UNKNOWN);
  if (row.source === 'manual') {
    if (!row.redirectUris || row.redirectUris.length === 0) {
      throw oauthError(
        'invalid_client',
        'This client was registered before this server had its own sign-in endpoint: the operator must run `npm run admin -- client register <client id> --update`',
      );
    }
    return toAuthorizeClient(row);
  }
  if (row.source === 'cimd') throw oauthError('invalid_client', 'This client is known by its metadata document URL; use that as client_id');
  if (!row.grantTypes?.includes('authorization_code')) throw oauthError('unauthorized_client', 'This client may not use the authorization code flow');
  // A row written by hand without what DCR records (a name, redirect URIs...): nothing to sign in with.
  if (!isDynamicClient(row)) throw oauthError('invalid_client', DAMAGED_CLIENT_RECORD);
  if (row.cognitoCallbackUrl !== dependencies.callbackUrl) await migrateToFacade(row, dependencies);
  return toAuthorizeClient(row);
}
