import { cancellationReasons, type Documents, type TransactWriteItem } from '../lib/dynamodb/documents.js';
import type { ClientAuthMethod } from '../dcr/client-metadata.js';

/**
 * The OAuthStateTable: the only server-side state of an authorization, written once at the
 * callback and read once at /token.
 *  - `state#<nonce>`: the pending authorization's nonce, written with attribute_not_exists, so a
 *    sealed state replayed at the callback finds it taken (single use);
 *  - `code#<sha256(code)>`: what Cognito's code was issued for (client, redirect URI, auth method,
 *    scope, resource, PKCE challenge). Only a hash is stored; /token reads the row, checks what it
 *    can (client, redirect URI, method, resource, the verifier against the challenge) and only then
 *    deletes it conditionally, so a code is redeemed once, by its client, for its redirect URI,
 *    before expiry, and a request that fails a check does not spend it.
 * Both in one transaction: a code is never bound without its state being consumed.
 */
export interface CodeBinding {
  clientId: string;
  appClientId: string;
  redirectUri: string;
  authMethod: ClientAuthMethod;
  /** Full scope names granted plus offline_access when it was asked for (the token response's `scope`). */
  scope: string;
  resource: string;
  /** The client's PKCE S256 challenge (absent on codes bound before it was kept: Cognito still checks). */
  codeChallenge?: string;
}

export class StateReplayedError extends Error {
  override readonly name = 'StateReplayedError';
}

export interface CodeGrants {
  /** Consumes the nonce (StateReplayedError when already used) and binds the code, if any. */
  complete(nonce: string, expiresAt: number, code?: { hash: string; binding: CodeBinding; expiresAt: number }): Promise<void>;
  /** The binding of an unexpired, unused code, read and left in place; undefined otherwise. */
  find(codeHash: string, nowSeconds: number): Promise<CodeBinding | undefined>;
  /** The binding, deleted; undefined when the code is unknown, used, expired or not this client's/URI's. */
  redeem(codeHash: string, expected: Pick<CodeBinding, 'clientId' | 'redirectUri' | 'authMethod'>, nowSeconds: number): Promise<CodeBinding | undefined>;
}

/**
 * A transaction cancelled because a row already existed: the nonce (or the code) was used. One
 * cancelled for another reason (a conflicting transaction, throttling, a validation error) is not a
 * replay: it fails as a dependency error (503, try again), not as "already used". No reasons at all
 * (an unexpected shape) still reads as a replay: either way nothing was written and the sign-in stops.
 */
const isReplay = (error: unknown) => {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return false;
  const reasons = cancellationReasons(error);
  return reasons.length === 0 || reasons.includes('ConditionalCheckFailed');
};
const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

export function dynamoDbCodeGrants(tableName: string, documents: Documents): CodeGrants {
  return {
    async complete(nonce, expiresAt, code) {
      const items: TransactWriteItem[] = [
        { Put: { TableName: tableName, Item: { pk: `state#${nonce}`, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...(code
          ? [{
              Put: {
                TableName: tableName,
                Item: { pk: `code#${code.hash}`, ...code.binding, expiresAt: code.expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }]
          : []),
      ];
      try {
        await documents.transact({ TransactItems: items });
      } catch (error) {
        if (isReplay(error)) throw new StateReplayedError('This authorization response was already used');
        throw error;
      }
    },
    async find(codeHash, nowSeconds) {
      const { Item: item } = await documents.get({ TableName: tableName, Key: { pk: `code#${codeHash}` }, ConsistentRead: true });
      const row = item as (CodeBinding & { pk: string; expiresAt: number }) | undefined;
      // DynamoDB deletes expired rows late (or, locally, never): the clock decides.
      if (!row || !(row.expiresAt > nowSeconds)) return undefined;
      const { pk: _pk, expiresAt: _expiresAt, ...binding } = row;
      return binding;
    },
    async redeem(codeHash, expected, nowSeconds) {
      try {
        const result = await documents.delete({
            TableName: tableName,
            Key: { pk: `code#${codeHash}` },
            ConditionExpression:
              'attribute_exists(pk) AND clientId = :client AND redirectUri = :redirect AND authMethod = :method AND expiresAt > :now',
            ExpressionAttributeValues: {
              ':client': expected.clientId,
              ':redirect': expected.redirectUri,
              ':method': expected.authMethod,
              ':now': nowSeconds,
            },
            ReturnValues: 'ALL_OLD',
        });
        const { pk: _pk, expiresAt: _expiresAt, ...binding } = (result.Attributes ?? {}) as unknown as CodeBinding & { pk: string; expiresAt: number };
        return result.Attributes ? binding : undefined;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}
