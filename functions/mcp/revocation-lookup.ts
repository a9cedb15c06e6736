import type { Documents } from '../../lib/dynamodb/documents.js';
import { type RevocationKind, type RevocationRecord, isActive, revocationKey } from '../../lib/revocations.js';

/** Reads one revocation row; an expired row counts as absent (DynamoDB deletes them late). */
export type RevocationLookup = (kind: RevocationKind, subject: string, nowSeconds: number) => Promise<RevocationRecord | undefined>;

export function dynamoDbRevocationLookup(tableName: string, documents: Documents): RevocationLookup {
  return async (kind, subject, nowSeconds) => {
    const result = await documents.get({ TableName: tableName, Key: { pk: revocationKey(kind, subject) }, ConsistentRead: true });
    const record = result.Item as unknown as RevocationRecord | undefined;
    return record && isActive(record, nowSeconds) ? record : undefined;
  };
}
