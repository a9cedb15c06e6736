import { cancellationReasons, type Documents } from './dynamodb/documents.js';
import { appRevocationSubject, revocationKey } from './revocation-keys.js';
import type { RevocationRecord } from './revocations.js';

/**
 * Connected apps: which applications hold access to a user's account (GrantsTable, one row per
 * user and application: partition key `sub`, sort key `clientId`), and ending one of them.
 *
 * A row is written where access is granted or renewed, by the facade's /token: at the code
 * exchange and at each refresh (one TransactWriteItems each, nothing per MCP call). The same
 * transaction checks the user-and-application revocation row (`app#{sub}#{clientId}` in the
 * revocation table): a session started (auth_time) at or before a revocation cannot record a
 * grant, and /token answers invalid_grant instead of handing out its tokens.
 *
 * Revoking writes that revocation row, then deletes the grant row. The authorizer
 * reads the row in the BatchGetItem it already makes (authorizer/revocation-check.ts), so the
 * application's access tokens are refused within the cache TTL; its refresh tokens are refused at
 * /token by the check above. A new sign-in (a later auth_time) records a new grant.
 *
 * A row expires (`expiresAt`, the table's TTL attribute) when no refresh token of the session can
 * still work: the refresh token validity counts from the sign-in (Cognito's rotation does not
 * extend it), so from auth_time plus the session bound of lib/user-revocation.ts.
 */
export interface AppGrant {
  sub: string;
  clientId: string;
  /** The scopes of the last token issued (space-separated, as in the access token's `scope`). */
  scope: string;
  /** Epoch seconds: the first code exchange of this user with this application. */
  firstSignedInAt: number;
  /** Epoch seconds: the last code exchange or refresh. */
  lastUsedAt: number;
  expiresAt: number;
}

export interface GrantUse {
  sub: string;
  clientId: string;
  scope: string;
  /** The session's sign-in (the token's auth_time): compared with a revocation's notBefore. */
  authTime: number;
  now: number;
  /** How long the grant row lives after the sign-in. */
  sessionSeconds: number;
}

export class AppAccessRevokedError extends Error {
  override readonly name = 'AppAccessRevokedError';
}

export interface AppGrants {
  /** Records (or renews) the grant; AppAccessRevokedError when the session was revoked for this app. */
  record(use: GrantUse): Promise<void>;
  /** The user's unexpired grants, most recently used first. */
  listForUser(sub: string, now: number): Promise<AppGrant[]>;
  /**
   * Ends the application's access for the user: the revocation row (lasting `revocationSeconds`),
   * then the grant row's deletion. Returns whether a grant row existed.
   */
  revoke(input: RevokeAppInput): Promise<boolean>;
  /**
   * The /apps page's revocation: only the grant the page showed (its firstSignedInAt), so a form
   * posted again after a revocation, or after the application signed in anew, changes nothing.
   * The grant's deletion and the revocation row in one transaction; false when the grant is not
   * (or no longer) the one shown, and then nothing was written.
   */
  revokeShown(input: RevokeAppInput & { firstSignedInAt: number }): Promise<boolean>;
}

export interface RevokeAppInput {
  sub: string;
  clientId: string;
  now: number;
  revocationSeconds: number;
  revokedBy: string;
}

function revocationRow(input: RevokeAppInput): RevocationRecord {
  const subject = appRevocationSubject(input.sub, input.clientId);
  return {
    pk: revocationKey('app', subject),
    kind: 'app',
    subject,
    notBefore: input.now,
    revokedAt: input.now,
    expiresAt: input.now + input.revocationSeconds,
    revokedBy: input.revokedBy,
  };
}

export function dynamoDbAppGrants(tables: { grants: string; revocations: string }, documents: Documents): AppGrants {
  return {
    async record(use) {
      try {
        await documents.transact({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tables.revocations,
                Key: { pk: revocationKey('app', appRevocationSubject(use.sub, use.clientId)) },
                // No row, a lapsed one, or one older than this session's sign-in.
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR notBefore < :authTime',
                ExpressionAttributeValues: { ':now': use.now, ':authTime': use.authTime },
              },
            },
            {
              Update: {
                TableName: tables.grants,
                Key: { sub: use.sub, clientId: use.clientId },
                UpdateExpression: 'SET #scope = :scope, lastUsedAt = :now, expiresAt = :expiresAt, firstSignedInAt = if_not_exists(firstSignedInAt, :now)',
                ExpressionAttributeNames: { '#scope': 'scope' },
                ExpressionAttributeValues: { ':scope': use.scope, ':now': use.now, ':expiresAt': use.authTime + use.sessionSeconds },
              },
            },
          ],
        });
      } catch (error) {
        if (cancellationReasons(error)[0] === 'ConditionalCheckFailed') {
          throw new AppAccessRevokedError('This application’s access was revoked for this user');
        }
        throw error;
      }
    },
    async listForUser(sub, now) {
      const grants: AppGrant[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.query({
          TableName: tables.grants,
          KeyConditionExpression: '#sub = :sub',
          ExpressionAttributeNames: { '#sub': 'sub' },
          ExpressionAttributeValues: { ':sub': sub },
          ExclusiveStartKey: startKey,
        });
        grants.push(...((page.Items ?? []) as unknown as AppGrant[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      // DynamoDB deletes expired rows late (emulators never): the clock decides.
      return grants.filter((grant) => grant.expiresAt > now).sort((a, b) => b.lastUsedAt - a.lastUsedAt);
    },
    async revoke(input) {
      const row = revocationRow(input);
      // The revocation first: it takes effect even if the delete that follows fails.
      await documents.put({ TableName: tables.revocations, Item: row as unknown as Record<string, unknown> });
      const deleted = await documents.delete({ TableName: tables.grants, Key: { sub: input.sub, clientId: input.clientId }, ReturnValues: 'ALL_OLD' });
      return deleted.Attributes !== undefined;
    },
    async revokeShown(input) {
      try {
        await documents.transact({
          TransactItems: [
            {
              Delete: {
                TableName: tables.grants,
                Key: { sub: input.sub, clientId: input.clientId },
                ConditionExpression: 'firstSignedInAt = :shown',
                ExpressionAttributeValues: { ':shown': input.firstSignedInAt },
              },
            },
            { Put: { TableName: tables.revocations, Item: revocationRow(input) as unknown as Record<string, unknown> } },
          ],
        });
        return true;
      } catch (error) {
        if (cancellationReasons(error)[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
  };
}
