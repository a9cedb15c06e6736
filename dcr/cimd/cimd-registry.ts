import type { Documents } from '../../lib/dynamodb/documents.js';
import { type CimdAliasRecord, type CimdClientRecord, clientItem, isCimdAlias, parseClientItem } from '../../lib/client-record.js';

/**
 * Where CIMD clients live in the client registry (ClientsTable), two rows per document URL
 * (lib/client-record.ts describes both):
 *  - the alias, keyed by the URL (CimdAliasRecord, `kind: 'cimd'`): what /authorize looks up (one
 *    GetItem), with the document's redirect URIs, name, scope, hash and freshness;
 *  - the app client's row, keyed by the Cognito app client id (CimdClientRecord, `source: 'cimd'`):
 *    what the authorizer reads for the tokens (their client_id claim is the app client id).
 * Both are written in one transaction, the alias only if absent, so concurrent first uses of one
 * URL make one registration (the loser deletes its app client).
 */
export class AliasExistsError extends Error {
  override readonly name = 'AliasExistsError';
}

export interface CimdRegistry {
  /** The alias of a URL; MalformedClientRecordError when the row under the URL does not parse. */
  getAlias(url: string): Promise<CimdAliasRecord | undefined>;
  create(alias: CimdAliasRecord, row: CimdClientRecord): Promise<void>;
  /** The document changed: new redirect URIs / name in both rows, and new freshness. */
  update(alias: CimdAliasRecord): Promise<void>;
  /** The document is unchanged: only its freshness. */
  touch(url: string, fetchedAt: number, cacheUntil: number): Promise<void>;
}

export function dynamoDbCimdRegistry(tableName: string, documents: Documents): CimdRegistry {
  return {
    async getAlias(url) {
      const result = await documents.get({ TableName: tableName, Key: { clientId: url }, ConsistentRead: true });
      const item = result.Item ? parseClientItem(result.Item) : undefined;
      return item && isCimdAlias(item) ? item : undefined;
    },
    async create(alias, row) {
      try {
        await documents.transact({
          TransactItems: [
            { Put: { TableName: tableName, Item: clientItem(alias), ConditionExpression: 'attribute_not_exists(clientId)' } },
            { Put: { TableName: tableName, Item: clientItem(row), ConditionExpression: 'attribute_not_exists(clientId)' } },
          ],
        });
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') throw new AliasExistsError(alias.clientId);
        throw error;
      }
    },
    async update(alias) {
      const method = alias.tokenEndpointAuthMethod ?? 'none';
      const fields = { ':uris': alias.redirectUris, ':name': alias.clientName, ':method': method };
      // The keys go with the document: set when it has them, removed when it no longer does.
      const keys = alias.keys === undefined ? ' REMOVE #keys' : ', #keys = :keys';
      await documents.transact({
        TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: { clientId: alias.clientId },
                UpdateExpression: `SET redirectUris = :uris, clientName = :name, tokenEndpointAuthMethod = :method, documentSha256 = :sha, fetchedAt = :at, cacheUntil = :until${keys}`,
                ConditionExpression: 'attribute_exists(clientId)',
                ExpressionAttributeNames: { '#keys': 'keys' },
                ExpressionAttributeValues: {
                  ...fields, ':sha': alias.documentSha256, ':at': alias.fetchedAt, ':until': alias.cacheUntil, ...(alias.keys !== undefined && { ':keys': alias.keys }),
                },
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: { clientId: alias.aliasOf },
                UpdateExpression: 'SET redirectUris = :uris, clientName = :name, tokenEndpointAuthMethod = :method',
                ConditionExpression: 'attribute_exists(clientId)',
                ExpressionAttributeValues: fields,
              },
            },
        ],
      });
    },
    async touch(url, fetchedAt, cacheUntil) {
      await documents.update({
        TableName: tableName,
        Key: { clientId: url },
        UpdateExpression: 'SET fetchedAt = :at, cacheUntil = :until',
        ConditionExpression: 'attribute_exists(clientId)',
        ExpressionAttributeValues: { ':at': fetchedAt, ':until': cacheUntil },
      });
    },
  };
}
