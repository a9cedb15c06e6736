import { type Documents, type TransactWriteItem, cancellationReasons, dynamoDbDocumentsFromEnvironment } from '../../lib/dynamodb/documents.js';
import { ClientNotActiveError, markDeletedUpdate } from '../client-registry.js';

/**
 * How the clean-up retires a CIMD client (dcr/cleanup.ts): its app client's row is marked deleted
 * and its alias (the row keyed by the document URL, the only row /authorize reads for it) deleted
 * in ONE transaction, so that there is no moment in which /authorize finds an alias whose app
 * client the authorizer already refuses or Cognito will soon not know. After it, a use of the
 * document URL finds no alias and registers again (a new app client); the old app client and its
 * row are finished like any started deletion.
 */
export interface CimdRetirement {
  /**
   * Marks `appClientId`'s row deleted, only while it is active and (with `unusedBefore`) still
   * unused, else ClientNotActiveError; in the same transaction deletes the alias `url` if it still
   * names that app client. An alias that is absent or names another app client is left alone.
   */
  retire(appClientId: string, url: string, nowSeconds: number, unusedBefore?: number): Promise<void>;
  /** Deletes the alias `url` only if it names `appClientId` (finishing a retirement, a dangling alias). */
  removeAlias(url: string, appClientId: string): Promise<void>;
}

const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

export function dynamoDbCimdRetirement(tableName: string, documents: Documents = dynamoDbDocumentsFromEnvironment()): CimdRetirement {
  const markDeleted = (appClientId: string, nowSeconds: number, unusedBefore?: number): TransactWriteItem => ({
    Update: markDeletedUpdate(tableName, appClientId, nowSeconds, unusedBefore),
  });
  const transact = async (items: TransactWriteItem[], appClientId: string) => {
    try {
      await documents.transact({ TransactItems: items });
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const codes = cancellationReasons(error);
      if (codes[0] === 'ConditionalCheckFailed') throw new ClientNotActiveError(`Client ${appClientId} is not active, or was used`);
      if (codes[1] === 'ConditionalCheckFailed') return 'alias-elsewhere' as const;
      throw error;
    }
    return 'done' as const;
  };
  return {
    async retire(appClientId, url, nowSeconds, unusedBefore) {
      const outcome = await transact(
        [
          markDeleted(appClientId, nowSeconds, unusedBefore),
          // Deleting an absent item passes attribute_not_exists: an alias already gone is no obstacle.
          {
            Delete: {
              TableName: tableName,
              Key: { clientId: url },
              ConditionExpression: 'attribute_not_exists(clientId) OR aliasOf = :app',
              ExpressionAttributeValues: { ':app': appClientId },
            },
          },
        ],
        appClientId,
      );
      // The URL's alias names another app client: this row is nobody's alias target, retire it alone.
      if (outcome === 'alias-elsewhere') await transact([markDeleted(appClientId, nowSeconds, unusedBefore)], appClientId);
    },
    async removeAlias(url, appClientId) {
      try {
        await documents.delete({ TableName: tableName, Key: { clientId: url }, ConditionExpression: 'aliasOf = :app', ExpressionAttributeValues: { ':app': appClientId } });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
