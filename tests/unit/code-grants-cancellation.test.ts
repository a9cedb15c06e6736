import { describe, expect, it } from 'vitest';
import { AwsJsonError } from '../../lib/aws/aws-json-call.js';
import type { Documents } from '../../lib/dynamodb/documents.js';
import { dynamoDbCodeGrants, StateReplayedError } from '../../oauth/code-grants.js';

/**
 * What the callback's transaction tells apart when DynamoDB cancels it. DynamoDB Local cancels for a
 * failed condition (covered by the callback replay tests against the local stack); a transaction
 * conflict cannot be produced on purpose there, so a Documents stand-in rejects as the JSON adapter
 * does, with the CancellationReasons DynamoDB documents.
 */
const cancelled = (codes: string[]) =>
  new AwsJsonError('TransactionCanceledException', 'Transaction cancelled', 400, false, {
    details: { CancellationReasons: codes.map((Code) => ({ Code })) },
  });
const rejecting = (error: Error) => ({ transact: async () => Promise.reject(error) }) as unknown as Documents;

describe('code grants: a cancelled callback transaction', () => {
  it('is a replay when a row already existed (ConditionalCheckFailed)', async () => {
    const grants = dynamoDbCodeGrants('state', rejecting(cancelled(['ConditionalCheckFailed', 'None'])));
    await expect(grants.complete('nonce', 1)).rejects.toBeInstanceOf(StateReplayedError);
  });

  it('is not a replay when cancelled for a conflict: it fails as a dependency error', async () => {
    const error = cancelled(['TransactionConflict', 'None']);
    const grants = dynamoDbCodeGrants('state', rejecting(error));
    await expect(grants.complete('nonce', 1)).rejects.toBe(error);
  });
});
