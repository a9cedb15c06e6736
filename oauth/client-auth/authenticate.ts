import type { ClientKeys } from '../../dcr/cimd/client-keys.js';
import { type ClientAuthMethod, isClientAuthMethod } from '../../dcr/client-metadata.js';
import { AssertionError, type AssertionDependencies, verifyClientAssertion } from './assertion.js';
import { ClientAuthenticationError, type PresentedCredentials } from './credentials.js';
import { ClientKeysError } from './jwks-cache.js';
import {
  type AppClientRecord,
  type CimdAliasRecord,
  type ClientItem,
  DAMAGED_CLIENT_RECORD,
  MalformedClientRecordError,
  type RegisteredBy,
  isActiveClient,
  isCimdAlias,
} from '../../lib/client-record.js';

/**
 * The client behind a client id at /token and /revoke, as one typed value whether the id is a
 * Cognito app client id (a DCR or operator client's row) or a CIMD document URL (its alias row,
 * whose app client is `aliasOf`); then whether the presented credentials fit it. Secrets are not
 * compared here (Cognito checks them at /token; /revoke asks Cognito for the secret); assertions are.
 */
export interface ResolvedClient {
  /** The id the client uses (a CIMD client's is its document URL). */
  clientId: string;
  /** The Cognito app client its tokens belong to. */
  appClientId: string;
  /** How it registered; undefined on rows from before sources were recorded. */
  source: RegisteredBy | undefined;
  /** Undefined only on rows written before grant types were recorded. */
  grantTypes: string[] | undefined;
  scope: string;
  /**
   * The method codes are bound to and the client registered. Undefined only for an operator row
   * registered before methods were recorded: the presented one is taken (Cognito checks it).
   */
  registeredMethod: ClientAuthMethod | undefined;
  /** A CIMD client's keys, when its document offers private_key_jwt. */
  keys?: ClientKeys | undefined;
}

export interface AuthenticatedClient {
  client: ResolvedClient;
  /** The method as codes were bound to it (a CIMD client offering both may sign or not). */
  method: ClientAuthMethod;
  secret?: string | undefined;
}


export interface ClientResolutionDependencies {
  /** Any registry row by its key; MalformedClientRecordError for a row that does not parse. */
  registry: { get(clientId: string): Promise<ClientItem | undefined> };
}

const failure = (presented: PresentedCredentials, description: string) =>
  new ClientAuthenticationError('invalid_client', description, presented.method === 'client_secret_basic');

const fromAlias = (alias: CimdAliasRecord): ResolvedClient => ({
  clientId: alias.clientId,
  appClientId: alias.aliasOf,
  source: 'cimd',
  grantTypes: alias.grantTypes,
  scope: alias.scope,
  registeredMethod: alias.tokenEndpointAuthMethod ?? 'none',
  keys: alias.keys,
});

function fromRow(row: AppClientRecord, presented: PresentedCredentials): ResolvedClient {
  const recorded: unknown = row.tokenEndpointAuthMethod;
  if (recorded !== undefined && !isClientAuthMethod(recorded)) throw failure(presented, 'This client is registered with an authentication method this server does not know');
  return {
    clientId: row.clientId,
    appClientId: row.clientId,
    source: row.source,
    grantTypes: row.grantTypes,
    scope: row.scope ?? '',
    registeredMethod: recorded ?? (row.source === 'manual' ? undefined : 'none'),
  };
}

export async function resolveClient(presented: PresentedCredentials, deps: ClientResolutionDependencies): Promise<ResolvedClient> {
  const entry = await deps.registry.get(presented.clientId).catch((error: unknown) => {
    if (error instanceof MalformedClientRecordError) throw failure(presented, DAMAGED_CLIENT_RECORD);
    throw error;
  });
  if (!entry || !isActiveClient(entry)) throw failure(presented, 'Unknown client');
  if (isCimdAlias(entry)) return fromAlias(entry);
  // A CIMD app client's own row, named by its bare Cognito id: a CIMD client is known to clients only
  // by its document URL (the app client id is an internal detail, seen at most inside a token).
  if (entry.source === 'cimd') throw failure(presented, 'This client is known by its metadata document URL; use that as client_id');
  return fromRow(entry, presented);
}

/**
 * Whether the presented credentials fit the client: the method it registered (a CIMD document
 * offering both `none` and private_key_jwt may use either; an assertion that is sent is always
 * verified, never ignored), and for an assertion its signature and claims.
 */
export async function authenticateClient(
  presented: PresentedCredentials,
  client: ResolvedClient,
  assertions: { audiences: readonly string[]; deps: AssertionDependencies },
): Promise<AuthenticatedClient> {
  const registered = client.registeredMethod;
  if (presented.method === 'private_key_jwt') {
    if (!client.keys) throw failure(presented, `This client authenticates with ${registered ?? 'a client secret'}`);
    try {
      await verifyClientAssertion(presented.assertion, { clientId: client.clientId, keys: client.keys, audiences: assertions.audiences }, assertions.deps);
    } catch (error) {
      if (error instanceof AssertionError || error instanceof ClientKeysError) throw failure(presented, error.message);
      throw error;
    }
    return { client, method: registered ?? 'private_key_jwt' };
  }
  if (registered !== undefined && registered !== presented.method) throw failure(presented, `This client authenticates with ${registered}`);
  return { client, method: presented.method, ...('secret' in presented && { secret: presented.secret }) };
}
