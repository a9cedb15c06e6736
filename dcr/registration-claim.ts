import type { Documents } from '../lib/dynamodb/documents.js';

/**
 * Who is creating the client of an idempotent registration (identical public metadata from one
 * source, register/idempotency.ts): the first request writes a claim on the registration's fingerprint
 * with a conditional write, before any Cognito app client exists; an identical request arriving
 * meanwhile finds the claim taken and waits for the first one's client instead of creating its
 * own. Looking for a recent client, then creating, was not enough: two requests arriving together
 * both looked, found nothing, and both created an app client.
 *
 * Claims live in the rate-limits table (the registration function's one writable counter table,
 * TTL `expiresAt`), keyed `dcr-claim#{fingerprint}`, and last CLAIM_SECONDS: longer than the
 * function may run, so a claim never expires under a registration still under way, and one left
 * by a function that died frees itself. A registration that fails releases its claim at once.
 */
export interface RegistrationClaims {
  /** true when `owner` now holds the claim; false when another owner holds it and it has not expired. */
  claim(fingerprint: string, owner: string, nowSeconds: number): Promise<boolean>;
  /** Gives up the claim if `owner` still holds it (a failed registration), so an identical retry may create. */
  release(fingerprint: string, owner: string, nowSeconds: number): Promise<void>;
}

/** The registration function's timeout is 10 s (serverless.yml); a claim outlives it. */
export const CLAIM_SECONDS = 30;

export function dynamoDbRegistrationClaims(tableName: string, documents: Documents): RegistrationClaims {
  // UpdateItem (not PutItem): what the function's role may do on this table. false: the condition failed.
  const conditionalUpdate = async (fingerprint: string, update: string, condition: string, values: Record<string, unknown>) => {
    try {
      await documents.update({
        TableName: tableName,
        Key: { pk: `dcr-claim#${fingerprint}` },
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#owner': 'owner', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };
  return {
    claim: (fingerprint, owner, nowSeconds) =>
      conditionalUpdate(fingerprint, 'SET #owner = :owner, #expiresAt = :expiresAt', 'attribute_not_exists(#owner) OR #expiresAt <= :now', {
        ':owner': owner,
        ':expiresAt': nowSeconds + CLAIM_SECONDS,
        ':now': nowSeconds,
      }),
    async release(fingerprint, owner, nowSeconds) {
      // Expired now (not at 0: TTL leaves items dated over five years back in place). When the
      // condition fails the claim is another owner's now (ours expired): not ours to release.
      await conditionalUpdate(fingerprint, 'SET #expiresAt = :expired', '#owner = :owner', { ':owner': owner, ':expired': nowSeconds });
    },
  };
}
