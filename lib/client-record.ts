import type { ClientKeys } from '../dcr/cimd/client-keys.js';
import type { ClientTrust } from './identity.js';

/**
 * A row of the client registry (ClientsTable), the one description every reader and writer goes
 * through: DCR (dcr/client-registry.ts), CIMD (dcr/cimd/cimd-registry.ts), the facade (oauth/),
 * the authorizer (authorizer/dynamodb-store.ts) and the admin CLI (admin/client-commands.ts,
 * admin/revocation-commands.ts).
 *
 * The stored attribute names and values are those deployed stacks have written all along (no
 * migration runs): rows are told apart by `kind` (only CIMD aliases have it) and `source`. Rows
 * written before an attribute existed are read as they are; where a reader needs a value, the
 * parse gives the one the code always assumed (noted per field). Dependency-free: the authorizer
 * imports it, and its cold start counts.
 */

/**
 * Statuses: 'deleted' means a deletion has started (RFC 7592 DELETE or the clean-up) and the row
 * only waits for its app client to go; 'revoked' is the operator's `revoke client`, undone by
 * `undo client`, and never a deletion. Absent on rows written before statuses: read as 'active'.
 */
export type ClientStatus = 'active' | 'deleted' | 'revoked';
const STATUSES: readonly ClientStatus[] = ['active', 'deleted', 'revoked'];

/**
 * How a client came to be registered (the stored `source`): `dcr` dynamic client registration
 * (RFC 7591), `cimd` a client ID metadata document's app client, `manual` the operator's
 * `npm run admin -- client register`. Absent on rows written before sources were recorded
 * (dynamic ones and rows written by hand): such a row is read as a dynamic client.
 * How far a client is trusted is another question: see `trustOf`.
 */
export type RegisteredBy = 'dcr' | 'cimd' | 'manual';
const REGISTERED_BY: readonly RegisteredBy[] = ['dcr', 'cimd', 'manual'];

/** What every app client's row has (keyed by its Cognito app client id). */
interface AppClientFields {
  clientId: string;
  status: ClientStatus;
  clientName: string;
  /** The client's own redirect URIs, enforced by the facade at /authorize (Cognito knows only the callback). */
  redirectUris: string[];
  /** Epoch seconds. */
  createdAt: number;
  updatedAt?: number | undefined;
  /** Refreshed by the authorizer at most once a day; the clean-up deletes idle dynamic clients by it. */
  lastUsedAt?: number | undefined;
  deletedAt?: number | undefined;
  /** The facade callback the app client was given; absent or different: migrated at the next /authorize. */
  cognitoCallbackUrl?: string | undefined;
}

/** The RFC 7591 metadata a registration records (and an RFC 7592 update may change). */
export interface ClientMetadataRecord {
  clientName: string;
  redirectUris: string[];
  applicationType?: 'web' | 'native' | undefined;
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: string;
  scope: string;
  clientUri?: string | undefined;
  logoUri?: string | undefined;
  policyUri?: string | undefined;
  tosUri?: string | undefined;
  contacts?: string[] | undefined;
  softwareId?: string | undefined;
  softwareVersion?: string | undefined;
}

/** A client registered through DCR (`source` 'dcr', or absent on rows from before sources). */
export interface DynamicClientRecord extends AppClientFields, ClientMetadataRecord {
  source?: 'dcr' | undefined;
  /** SHA-256 (hex) of the RFC 7592 registration access token; absent only on rows written by hand. */
  registrationTokenHash?: string | undefined;
  /** Identical registrations from one source within the idempotency window share a fingerprint. */
  fingerprint?: string | undefined;
  cimdUrl?: undefined;
}

/** A CIMD client's app client row: what the authorizer reads for its tokens (client_id claim = app client id). */
export interface CimdClientRecord extends AppClientFields, ClientMetadataRecord {
  source: 'cimd';
  /** The metadata document URL: the client_id the client knows itself by. */
  cimdUrl: string;
  /** Always '' (a CIMD client has no registration access token). */
  registrationTokenHash?: string | undefined;
  fingerprint?: undefined;
}

/**
 * An app client the operator registered. Its grant types and scope are the app client's, in
 * Cognito: the row names them only if written by hand. Rows written before the facade have no
 * redirect URIs (read as none: /authorize asks the operator to update it) and no method
 * (undefined: the presented one is taken, and Cognito checks it).
 */
export interface OperatorClientRecord extends AppClientFields {
  source: 'manual';
  tokenEndpointAuthMethod?: string | undefined;
  grantTypes?: string[] | undefined;
  scope?: string | undefined;
  responseTypes?: undefined;
  registrationTokenHash?: undefined;
  fingerprint?: undefined;
  cimdUrl?: undefined;
  applicationType?: undefined;
  clientUri?: undefined;
  logoUri?: undefined;
  policyUri?: undefined;
  tosUri?: undefined;
  contacts?: undefined;
  softwareId?: undefined;
  softwareVersion?: undefined;
}

/**
 * A row without `source` that lacks metadata DCR has always written: written by hand (the clean-up
 * leaves it alone, see dcr/cleanup.ts isDynamic). Only its key and status are certain; every other
 * attribute is read, and type-checked, when present. The authorizer accepts it while it is active;
 * /authorize refuses it (it names no authorization code grant).
 */
export interface HandWrittenClientRecord extends Partial<Omit<DynamicClientRecord, 'clientId' | 'status' | 'source'>> {
  clientId: string;
  status: ClientStatus;
  source?: undefined;
}

/** A row of an app client, whoever registered it: told apart by `source` (see isDynamicClient for rows without). */
export type AppClientRecord = DynamicClientRecord | HandWrittenClientRecord | CimdClientRecord | OperatorClientRecord;

/**
 * A CIMD document URL's alias row, keyed by the URL (`kind: 'cimd'`): what /authorize, /token and
 * /revoke look up by the client_id the client sends; `aliasOf` names its app client's row. Both
 * are written in one transaction (dcr/cimd/cimd-registry.ts).
 */
export interface CimdAliasRecord {
  clientId: string;
  kind: 'cimd';
  aliasOf: string;
  status: ClientStatus;
  clientName: string;
  redirectUris: string[];
  grantTypes: string[];
  scope: string;
  documentSha256: string;
  fetchedAt: number;
  cacheUntil: number;
  createdAt: number;
  /** The method codes are bound to (dcr/cimd/document.ts); absent on aliases written before: none. */
  tokenEndpointAuthMethod?: 'none' | 'private_key_jwt' | undefined;
  /** The document's keys when it offers private_key_jwt. */
  keys?: ClientKeys | undefined;
}

/** Any row of the client registry. */
export type ClientItem = AppClientRecord | CimdAliasRecord;

export const isCimdAlias = (item: ClientItem): item is CimdAliasRecord => 'kind' in item && item.kind === 'cimd';

/** What DCR has written on every row since its first version: a row without `source` that lacks one was written by hand. */
const DCR_ATTRIBUTES = ['clientName', 'redirectUris', 'grantTypes', 'responseTypes', 'tokenEndpointAuthMethod', 'scope', 'createdAt'] as const;

/** A DCR row, with or without `source` (rows from before sources carry every DCR attribute). */
export const isDynamicClient = (item: ClientItem): item is DynamicClientRecord =>
  !isCimdAlias(item) && (item.source === 'dcr' || (item.source === undefined && DCR_ATTRIBUTES.every((name) => item[name] !== undefined)));

/** Absent or 'active': the client may be used. */
export const isActiveClient = (item: { status?: string | undefined }): boolean => item.status === undefined || item.status === 'active';

/** How update and condition expressions name the status (`status` is a DynamoDB reserved word). */
export const STATUS_ATTRIBUTE_NAMES = { '#status': 'status' } as const;

/**
 * A condition (or filter) expression that the row's status is the value `placeholder` names; for
 * 'active', a row without status too (isActiveClient's rule). Uses STATUS_ATTRIBUTE_NAMES.
 */
export const statusIs = (status: ClientStatus, placeholder: string): string =>
  status === 'active' ? `(attribute_not_exists(#status) OR #status = ${placeholder})` : `#status = ${placeholder}`;

/** The parts of a DynamoDB UpdateCommand input a status change decides; the caller adds TableName and Key. */
export interface ClientStatusChange {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * Moves an existing app client row from status `from` to `to`, and only then: the write fails
 * (ConditionalCheckFailedException) when the row is absent or has another status; an absent
 * status counts as 'active'. `set` and `remove` change other attributes in the same write.
 */
export function clientStatusChange(change: {
  from: ClientStatus;
  to: ClientStatus;
  set?: Partial<Pick<AppClientFields, 'updatedAt' | 'deletedAt'>>;
  remove?: readonly Exclude<keyof AppClientRecord, 'clientId' | 'status'>[];
}): ClientStatusChange {
  const set = Object.entries(change.set ?? {}).filter(([, value]) => value !== undefined);
  const remove = change.remove ?? [];
  const others = [...set.map(([name]) => name), ...remove];
  return {
    UpdateExpression: [
      `SET ${['#status = :to', ...set.map(([name]) => `#${name} = :${name}`)].join(', ')}`,
      ...(remove.length > 0 ? [`REMOVE ${remove.map((name) => `#${name}`).join(', ')}`] : []),
    ].join(' '),
    ConditionExpression: `attribute_exists(clientId) AND ${statusIs(change.from, ':from')}`,
    ExpressionAttributeNames: { ...STATUS_ATTRIBUTE_NAMES, ...Object.fromEntries(others.map((name) => [`#${name}`, name])) },
    ExpressionAttributeValues: { ':from': change.from, ':to': change.to, ...Object.fromEntries(set.map(([name, value]) => [`:${name}`, value])) },
  };
}

/**
 * An app client row in use: active, whoever registered it (DCR, CIMD, the operator's `client
 * register`, by hand), and not a CIMD alias (its app client's own row counts). What the cap on new
 * registrations (dcrMaxClients) and the DynamicClientCount metric count: they guard Cognito's app
 * client quota (about 1,000 per pool), which every app client of the pool shares.
 */
export const isActiveAppClient = (item: ClientItem): boolean => !isCimdAlias(item) && isActiveClient(item);

/** isActiveAppClient as the parts of a DynamoDB Scan or Query input that filter by it. */
export const ACTIVE_APP_CLIENT_FILTER = {
  FilterExpression: `${statusIs('active', ':active')} AND attribute_not_exists(kind)`,
  ExpressionAttributeNames: STATUS_ATTRIBUTE_NAMES,
  ExpressionAttributeValues: { ':active': 'active' },
} as const;

/**
 * Group-granted scopes and the admin scope go only to clients the operator registered: a
 * lookalike client anyone could register must not inherit an administrator's powers because the
 * administrator signed in with it.
 */
export const trustOf = (registeredBy: RegisteredBy | undefined): ClientTrust => (registeredBy === 'manual' ? 'operator' : 'dynamic');

/** A registry row that no reader can use safely; readers refuse the client (fail closed). */
export class MalformedClientRecordError extends Error {
  override readonly name = 'MalformedClientRecordError';
  constructor(
    /** The row's key as far as it could be read. */
    readonly clientId: string,
    message: string,
  ) {
    super(`Client registry row ${clientId}: ${message}`);
  }
}

/** What a client is told when its row does not parse (the operator's log has the parse's reason). */
export const DAMAGED_CLIENT_RECORD = "This application's registration record on this server is damaged: the operator must register it again";

type Item = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a row's attributes one by one, and refuses the row at the first one it cannot use. */
function reader(item: Item) {
  const id = isString(item.clientId) ? item.clientId.slice(0, 200) : '(no clientId)';
  const refuse = (message: string): never => {
    throw new MalformedClientRecordError(id, message);
  };
  const check = <T>(name: string, is: (value: unknown) => value is T, what: string, required: boolean): T | undefined => {
    const value = item[name];
    if (value === undefined) return required ? refuse(`${name} is missing`) : undefined;
    return is(value) ? value : refuse(`${name} is not ${what}`);
  };
  return {
    refuse,
    string: (name: string) => check(name, isString, 'a string', true) as string,
    number: (name: string) => check(name, isNumber, 'a number', true) as number,
    strings: (name: string) => check(name, isStringList, 'a list of strings', true) as string[],
    optionalString: (name: string) => check(name, isString, 'a string', false),
    optionalNumber: (name: string) => check(name, isNumber, 'a number', false),
    optionalStrings: (name: string) => check(name, isStringList, 'a list of strings', false),
    optionalObject: (name: string) => check(name, isObject, 'an object', false),
    status: (): ClientStatus => {
      const status = check('status', isString, 'a string', false) ?? 'active';
      return (STATUSES as readonly string[]).includes(status) ? (status as ClientStatus) : refuse(`status ${JSON.stringify(status.slice(0, 20))} is not one of ${STATUSES.join(', ')}`);
    },
    registeredBy: (): RegisteredBy | undefined => {
      const source = check('source', isString, 'a string', false);
      if (source === undefined) return undefined;
      return (REGISTERED_BY as readonly string[]).includes(source) ? (source as RegisteredBy) : refuse(`source ${JSON.stringify(source.slice(0, 20))} is not one of ${REGISTERED_BY.join(', ')}`);
    },
  };
}

/** Drops absent attributes, so that a record and its stored item compare equal. */
const defined = <T extends object>(record: T): T => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;

function appClientFields(read: ReturnType<typeof reader>): AppClientFields {
  return {
    clientId: read.string('clientId'),
    status: read.status(),
    clientName: read.string('clientName'),
    redirectUris: read.strings('redirectUris'),
    createdAt: read.number('createdAt'),
    updatedAt: read.optionalNumber('updatedAt'),
    lastUsedAt: read.optionalNumber('lastUsedAt'),
    deletedAt: read.optionalNumber('deletedAt'),
    cognitoCallbackUrl: read.optionalString('cognitoCallbackUrl'),
  };
}

function metadataFields(read: ReturnType<typeof reader>): Omit<ClientMetadataRecord, 'clientName' | 'redirectUris'> {
  const applicationType = read.optionalString('applicationType');
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') read.refuse('applicationType is not web or native');
  return {
    applicationType: applicationType as ClientMetadataRecord['applicationType'],
    grantTypes: read.strings('grantTypes'),
    responseTypes: read.strings('responseTypes'),
    tokenEndpointAuthMethod: read.string('tokenEndpointAuthMethod'),
    scope: read.string('scope'),
    clientUri: read.optionalString('clientUri'),
    logoUri: read.optionalString('logoUri'),
    policyUri: read.optionalString('policyUri'),
    tosUri: read.optionalString('tosUri'),
    contacts: read.optionalStrings('contacts'),
    softwareId: read.optionalString('softwareId'),
    softwareVersion: read.optionalString('softwareVersion'),
  };
}

function parseAlias(read: ReturnType<typeof reader>): CimdAliasRecord {
  const method = read.optionalString('tokenEndpointAuthMethod');
  if (method !== undefined && method !== 'none' && method !== 'private_key_jwt') read.refuse('tokenEndpointAuthMethod is not none or private_key_jwt');
  return defined({
    clientId: read.string('clientId'),
    kind: 'cimd',
    aliasOf: read.string('aliasOf'),
    status: read.status(),
    clientName: read.string('clientName'),
    redirectUris: read.strings('redirectUris'),
    grantTypes: read.strings('grantTypes'),
    scope: read.string('scope'),
    documentSha256: read.string('documentSha256'),
    fetchedAt: read.number('fetchedAt'),
    cacheUntil: read.number('cacheUntil'),
    createdAt: read.number('createdAt'),
    tokenEndpointAuthMethod: method as CimdAliasRecord['tokenEndpointAuthMethod'],
    // The keys were checked when the document was read (dcr/cimd/client-keys.ts); here only their place.
    keys: read.optionalObject('keys') as ClientKeys | undefined,
  });
}

/** Every attribute a dynamic row may have, each checked only when present. */
function parseHandWritten(item: Item): HandWrittenClientRecord {
  const read = reader(item);
  const optional = (name: string, parse: () => unknown) => (item[name] === undefined ? undefined : parse());
  // The complete parse of each present attribute: a reader over the row with stand-ins for the absent required ones.
  const complete = reader({ clientName: '', redirectUris: [], createdAt: 0, grantTypes: [], responseTypes: [], tokenEndpointAuthMethod: '', scope: '', ...item });
  const base = appClientFields(complete);
  const metadata = metadataFields(complete);
  return defined({
    ...base,
    ...metadata,
    clientName: optional('clientName', () => base.clientName) as string | undefined,
    redirectUris: optional('redirectUris', () => base.redirectUris) as string[] | undefined,
    createdAt: optional('createdAt', () => base.createdAt) as number | undefined,
    grantTypes: optional('grantTypes', () => metadata.grantTypes) as string[] | undefined,
    responseTypes: optional('responseTypes', () => metadata.responseTypes) as string[] | undefined,
    tokenEndpointAuthMethod: optional('tokenEndpointAuthMethod', () => metadata.tokenEndpointAuthMethod) as string | undefined,
    scope: optional('scope', () => metadata.scope) as string | undefined,
    registrationTokenHash: read.optionalString('registrationTokenHash'),
    fingerprint: read.optionalString('fingerprint'),
  });
}

/**
 * A registry row as its record, or MalformedClientRecordError: an attribute of the wrong type, a
 * `source`, `kind` or `status` this code does not know, or a missing attribute that every writer
 * of that kind of row has always written. Rows written before later attributes existed parse.
 */
export function parseClientItem(item: Item): ClientItem {
  const read = reader(item);
  if (item.kind !== undefined) {
    if (item.kind !== 'cimd') read.refuse(`kind ${JSON.stringify(String(item.kind).slice(0, 20))} is not cimd`);
    return parseAlias(read);
  }
  const registeredBy = read.registeredBy();
  if (registeredBy === 'manual') {
    // Rows from before the facade have no redirect URIs.
    const base = appClientFields(reader({ redirectUris: [], ...item }));
    return defined({
      ...base,
      source: 'manual',
      tokenEndpointAuthMethod: read.optionalString('tokenEndpointAuthMethod'),
      grantTypes: read.optionalStrings('grantTypes'),
      scope: read.optionalString('scope'),
    });
  }
  if (registeredBy === undefined && DCR_ATTRIBUTES.some((name) => item[name] === undefined)) return parseHandWritten(item);
  const fields = { ...appClientFields(read), ...metadataFields(read), registrationTokenHash: read.optionalString('registrationTokenHash') };
  if (registeredBy === 'cimd') return defined({ ...fields, source: 'cimd' as const, cimdUrl: read.string('cimdUrl') });
  return defined({ ...fields, ...(registeredBy && { source: registeredBy }), fingerprint: read.optionalString('fingerprint') });
}

/** The attributes the authorizer reads of a token's client (one BatchGetItem with the revocations). */
export const AUTHORIZER_CLIENT_ATTRIBUTES = ['clientId', 'status', 'lastUsedAt', 'source', 'cimdUrl', 'kind'] as const;

/** What the authorizer knows of a token's client: whether it may be used, its trust, and a CIMD client's URL. */
export interface AuthorizerClientView {
  clientId: string;
  /** Absent or 'active': valid; 'deleted' or 'revoked': refused. */
  status?: ClientStatus | undefined;
  /** Epoch seconds of the last authorized request, refreshed at most once a day. */
  lastUsedAt?: number | undefined;
  /** How it registered (the stored name); `trustOf` turns it into the caller's trust. */
  source?: RegisteredBy | undefined;
  /** A CIMD client's metadata document URL: its client_id as the client knows it (the token carries the app client id). */
  cimdUrl?: string | undefined;
}

/**
 * The authorizer's read of a token's client row (AUTHORIZER_CLIENT_ATTRIBUTES only), refused like
 * a whole row: an alias row (a token's client is an app client, never a URL), an unknown source or
 * status, a CIMD row without its URL. The authorizer denies the token (fail closed).
 */
export function parseAuthorizerClientView(item: Item): AuthorizerClientView {
  const read = reader(item);
  if (item.kind !== undefined) read.refuse('a CIMD alias row is not an app client');
  const registeredBy = read.registeredBy();
  return defined({
    clientId: read.string('clientId'),
    status: item.status === undefined ? undefined : read.status(),
    lastUsedAt: read.optionalNumber('lastUsedAt'),
    source: registeredBy,
    cimdUrl: registeredBy === 'cimd' ? read.string('cimdUrl') : read.optionalString('cimdUrl'),
  });
}

/** The stored item of a record: the record without its absent attributes. */
export const clientItem = (record: ClientItem): Item => defined({ ...record }) as Item;

/** What the admin CLI records of an operator's app client (`client register`); the rest is Cognito's. */
export interface OperatorRegistration {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'none';
}

/** A new operator client's row. */
export const operatorClientRecord = (registration: OperatorRegistration, nowSeconds: number): OperatorClientRecord => ({
  ...registration,
  source: 'manual',
  status: 'active',
  createdAt: nowSeconds,
});

/** The attributes `client register --update` refreshes on an existing operator row. */
export const operatorClientUpdate = (registration: OperatorRegistration, nowSeconds: number) => ({
  clientName: registration.clientName,
  redirectUris: registration.redirectUris,
  tokenEndpointAuthMethod: registration.tokenEndpointAuthMethod,
  updatedAt: nowSeconds,
});
