import { cancellationReasons, type Documents, type TransactWriteItem } from '../lib/dynamodb/documents.js';
import type { ClientAuthMethod } from '../dcr/client-metadata.js';

/**
 * The OAuthStateTable: the only server-side state of an authorization, written once at the
 * callback and read once at /token.
 *  - `state#<nonce>`: the pending authorization's nonce, written with attribute_not_exists, so a
 *    sealed state replayed at the callback finds it taken (single use);
 *  - `code#<sha256(code)>`: what Cognito's code was issued for (client, redirect URI, auth method,
 *    scope, resource). Only a hash is stored; /token deletes the row conditionally in one call, so
 *    a code is redeemed once, by its client, for its redirect URI, before expiry.
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
}

export class StateReplayedError extends Error {
  override readonly name = 'StateReplayedError';
}

export interface CodeGrants {
  /** Consumes the nonce (StateReplayedError when already used) and binds the code, if any. */
  complete(nonce: string, expiresAt: number, code?: { hash: string; binding: CodeBinding; expiresAt: number }): Promise<void>;
  /** The binding, deleted; undefined when the code is unknown, used, expired or not this client's/URI's. */
  redeem(codeHash: string, expected: Pick<CodeBinding, 'clientId' | 'redirectUri' | 'authMethod'>, nowSeconds: number): Promise<CodeBinding | undefined>;
  /**
   * Read only after a refused redeem: the method an unexpired, unused code of this client and
   * redirect URI is bound to, so a wrong method answers invalid_client (RFC 6749 §5.2). The
   * refused conditional delete left the code unredeemed.
   */
  boundMethod(codeHash: string, expected: Pick<CodeBinding, 'clientId' | 'redirectUri'>, nowSeconds: number): Promise<ClientAuthMethod | undefined>;
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
    async boundMethod(codeHash, expected, nowSeconds) {
      const { Item: item } = await documents.get({ TableName: tableName, Key: { pk: `code#${codeHash}` }, ConsistentRead: true });
      const row = item as (CodeBinding & { expiresAt: number }) | undefined;
      if (!row || row.clientId !== expected.clientId || row.redirectUri !== expected.redirectUri || !(row.expiresAt > nowSeconds)) return undefined;
      return row.authMethod;
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
