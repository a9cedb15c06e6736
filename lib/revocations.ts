import type { Documents } from './dynamodb/documents.js';
import { isActive, revocationKey, type RevocationKind } from './revocation-keys.js';

export { isActive, revocationKey, type RevocationKind };

/**
 * Revocations, one DynamoDB row each, keyed so that the authorizer can fetch every row that
 * could apply to a token in one BatchGetItem:
 *   jti#{jti}        one token (an access token's jti, or a refresh token family's origin_jti)
 *   user#{sub}       every token of a user issued before `notBefore`
 *   client#{id}      every token of a client
 *   app#{sub}#{id}   every token of one user through one client issued to a session started
 *                    (auth_time) up to `notBefore` (lib/app-grants.ts: connected apps)
 * A row expires (`expiresAt`, epoch seconds, the table's TTL attribute) once no token it can
 * affect is still valid. DynamoDB deletes expired rows late, so readers must compare
 * `expiresAt` with the clock themselves (see isActive).
 */

export interface RevocationRecord {
  pk: string;
  kind: RevocationKind;
  /** The jti, sub or client id the row is about. */
  subject: string;
  /** For `user` and `app` rows: tokens of sessions started (auth_time) up to this epoch second are revoked. */
  notBefore?: number;
  /** Epoch seconds. */
  revokedAt: number;
  expiresAt: number;
  reason?: string;
  revokedBy?: string;
}

export interface RevokeInput {
  kind: RevocationKind;
  subject: string;
  /** Epoch seconds after which no token this row can affect is valid any more. */
  expiresAt: number;
  reason?: string;
  revokedBy?: string;
  now?: Date;
}

export interface RevocationStore {
  revoke(input: RevokeInput): Promise<RevocationRecord>;
  remove(kind: RevocationKind, subject: string): Promise<boolean>;
  list(nowSeconds: number): Promise<RevocationRecord[]>;
}

export function dynamoDbRevocationStore(tableName: string, documents: Documents): RevocationStore {
  return {
    async revoke(input) {
      const revokedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
      const record: RevocationRecord = {
        pk: revocationKey(input.kind, input.subject),
        kind: input.kind,
        subject: input.subject,
        ...(input.kind === 'user' ? { notBefore: revokedAt } : {}),
        revokedAt,
        expiresAt: input.expiresAt,
        reason: input.reason,
        revokedBy: input.revokedBy,
      };
      await documents.put({ TableName: tableName, Item: record as unknown as Record<string, unknown> });
      return record;
    },
    async remove(kind, subject) {
      const result = await documents.delete({ TableName: tableName, Key: { pk: revocationKey(kind, subject) }, ReturnValues: 'ALL_OLD' });
      return result.Attributes !== undefined;
    },
    async list(nowSeconds) {
      const records: RevocationRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.scan({ TableName: tableName, ExclusiveStartKey: startKey });
        records.push(...((page.Items ?? []) as unknown as RevocationRecord[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return records.filter((record) => isActive(record, nowSeconds)).sort((a, b) => b.revokedAt - a.revokedAt);
    },
  };
}
