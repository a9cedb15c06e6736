import { createHash } from 'node:crypto';
import type { Documents } from '../../lib/dynamodb/documents.js';

/**
 * The `jti`s of client assertions already used (RFC 7523 §3: the server may refuse a reused jti;
 * here it always does). One conditional write per assertion in the OAuthStateTable, beside the
 * state nonces and code bindings, under its own key prefix `assertion#` with the table's TTL
 * attribute: the row lives until the assertion expires (plus the allowed clock skew), after
 * which the assertion is refused for its exp anyway. Only a hash of client id and jti is stored.
 */
export interface UsedAssertions {
  /** Records the jti; false when this client already used it. */
  use(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
}

export function dynamoDbUsedAssertions(tableName: string, documents: Documents): UsedAssertions {
  return {
    async use(clientId, jti, expiresAt) {
      const hash = createHash('sha256').update(clientId).update('\n').update(jti).digest('hex');
      try {
        await documents.put({
          TableName: tableName,
          Item: { pk: `assertion#${hash}`, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        });
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
  };
}
