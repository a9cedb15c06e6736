import {
  ACTIVE_APP_CLIENT_FILTER,
  type AppClientRecord,
  type ClientItem,
  type ClientMetadataRecord,
  type DynamicClientRecord,
  MalformedClientRecordError,
  STATUS_ATTRIBUTE_NAMES,
  clientItem,
  clientStatusChange,
  isDynamicClient,
  parseClientItem,
  statusIs,
} from '../lib/client-record.js';
import { type Documents, dynamoDbDocumentsFromEnvironment, type UpdateInput } from '../lib/dynamodb/documents.js';

/** The metadata a registration update (RFC 7592 PUT) may change. */
export type ClientMetadataFields = Pick<
  ClientMetadataRecord,
  | 'clientName' | 'redirectUris' | 'applicationType' | 'grantTypes' | 'responseTypes' | 'scope' | 'clientUri' | 'logoUri'
  | 'policyUri' | 'tosUri' | 'contacts' | 'softwareId' | 'softwareVersion'
>;

export class ClientNotActiveError extends Error {
  override readonly name = 'ClientNotActiveError';
}

/**
 * The client registry's reads and writes, through lib/client-record.ts (the rows' one description).
 * Never a secret: the registration access token only as a SHA-256 hash, the client secret not at
 * all (it lives in Cognito). Contract with the authorizer: a client is valid iff its row exists and
 * `status` is absent or 'active'; the authorizer refreshes `lastUsedAt` at most once a day. A row
 * the parse refuses reads as MalformedClientRecordError (get) or is passed to `onMalformed` (all).
 */
export interface ClientRegistry {
  put(client: AppClientRecord): Promise<void>;
  /** Any row by its key: an app client's (Cognito id) or a CIMD alias (document URL). */
  get(clientId: string): Promise<ClientItem | undefined>;
  /** Replaces the metadata of an active client; ClientNotActiveError when it is not active. */
  updateMetadata(clientId: string, fields: ClientMetadataFields, nowSeconds: number): Promise<void>;
  /** Records that the client's app client now has the facade callback (the lazy migration). */
  setCognitoCallbackUrl(clientId: string, callbackUrl: string): Promise<void>;
  /**
   * Marks an active client deleted: the authorizer refuses its tokens from then on. With
   * `unusedBefore`, only if it has not been used since (ClientNotActiveError otherwise).
   */
  markDeleted(clientId: string, nowSeconds: number, unusedBefore?: number): Promise<void>;
  remove(clientId: string): Promise<void>;
  /** The newest active client with this fingerprint created at or after `sinceSeconds`. */
  findRecent(fingerprint: string, sinceSeconds: number): Promise<DynamicClientRecord | undefined>;
  /**
   * The active app clients in the registry, whoever registered them (lib/client-record.ts
   * isActiveAppClient): what dcrMaxClients caps, since they all share Cognito's app client quota.
   */
  countActiveAppClients(): Promise<number>;
  /** Every row that parses; each one that does not goes to `onMalformed` (and is left alone). */
  all(onMalformed?: (error: MalformedClientRecordError) => void): AsyncIterable<ClientItem>;
}

export const FINGERPRINT_INDEX = 'byFingerprint';
const ACTIVE = statusIs('active', ':active');

const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * The write that starts a client's deletion: only while it is active and, with `unusedBefore`, still
 * unused (the authorizer may refresh lastUsedAt between a clean-up's scan and this write). Shared by
 * the registry and the CIMD retirement's transaction, so the idle check cannot differ between them.
 */
export function markDeletedUpdate(tableName: string, clientId: string, nowSeconds: number, unusedBefore?: number) {
  const change = clientStatusChange({ from: 'active', to: 'deleted', set: { deletedAt: nowSeconds }, remove: ['fingerprint'] });
  if (unusedBefore === undefined) return { TableName: tableName, Key: { clientId }, ...change };
  return {
    TableName: tableName,
    Key: { clientId },
    ...change,
    ConditionExpression: `${change.ConditionExpression} AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :before)`,
    ExpressionAttributeValues: { ...change.ExpressionAttributeValues, ':before': unusedBefore },
  };
}

export function dynamoDbClientRegistry(
  tableName: string,
  documents: Documents = dynamoDbDocumentsFromEnvironment(),
): ClientRegistry {
  const conditional = async (input: UpdateInput, clientId: string) => {
    try {
      await documents.update(input);
    } catch (error) {
      if (isConditionFailure(error)) throw new ClientNotActiveError(`Client ${clientId} is not active`);
      throw error;
    }
  };
  return {
    async put(client) {
      await documents.put({
        TableName: tableName,
        Item: clientItem(client),
        // A client id is never reused; refuse to overwrite rather than lose a record.
        ConditionExpression: 'attribute_not_exists(clientId)',
      });
    },
    async get(clientId) {
      const result = await documents.get({ TableName: tableName, Key: { clientId }, ConsistentRead: true });
      return result.Item ? parseClientItem(result.Item) : undefined;
    },
    async updateMetadata(clientId, fields, nowSeconds) {
      const entries = Object.entries({ ...fields, updatedAt: nowSeconds });
      const set = entries.filter(([, value]) => value !== undefined);
      const remove = entries.filter(([, value]) => value === undefined);
      const names = { ...Object.fromEntries(entries.map(([key]) => [`#${key}`, key])), ...STATUS_ATTRIBUTE_NAMES };
      const values = Object.fromEntries([...set.map(([key, value]) => [`:${key}`, value]), [':active', 'active']]);
      const expression = [
        `SET ${set.map(([key]) => `#${key} = :${key}`).join(', ')}`,
        remove.length > 0 ? `REMOVE ${remove.map(([key]) => `#${key}`).join(', ')}` : '',
      ].join(' ');
      await conditional(
        {
          TableName: tableName,
          Key: { clientId },
          UpdateExpression: expression.trim(),
          ConditionExpression: `attribute_exists(clientId) AND ${ACTIVE}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        clientId,
      );
    },
    async setCognitoCallbackUrl(clientId, callbackUrl) {
      await documents.update({
        TableName: tableName,
        Key: { clientId },
        UpdateExpression: 'SET cognitoCallbackUrl = :url',
        ConditionExpression: 'attribute_exists(clientId)',
        ExpressionAttributeValues: { ':url': callbackUrl },
      });
    },
    async markDeleted(clientId, nowSeconds, unusedBefore) {
      await conditional(markDeletedUpdate(tableName, clientId, nowSeconds, unusedBefore), clientId);
    },
    async remove(clientId) {
      await documents.delete({ TableName: tableName, Key: { clientId } });
    },
    async findRecent(fingerprint, sinceSeconds) {
      const result = await documents.query({
        TableName: tableName,
        IndexName: FINGERPRINT_INDEX,
        KeyConditionExpression: 'fingerprint = :fingerprint AND createdAt >= :since',
        FilterExpression: ACTIVE,
        ExpressionAttributeNames: STATUS_ATTRIBUTE_NAMES,
        ExpressionAttributeValues: { ':fingerprint': fingerprint, ':since': sinceSeconds, ':active': 'active' },
        ScanIndexForward: false,
      });
      const found = result.Items?.[0] ? parseClientItem(result.Items[0]) : undefined;
      // Only DCR rows carry a fingerprint.
      return found && isDynamicClient(found) ? found : undefined;
    },
    async countActiveAppClients() {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.scan({
          TableName: tableName,
          Select: 'COUNT',
          ...ACTIVE_APP_CLIENT_FILTER,
          ExclusiveStartKey: startKey,
        });
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },
    async *all(onMalformed) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.scan({ TableName: tableName, ExclusiveStartKey: startKey });
        for (const item of page.Items ?? []) {
          try {
            yield parseClientItem(item);
          } catch (error) {
            if (!(error instanceof MalformedClientRecordError)) throw error;
            onMalformed?.(error);
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
  };
}
