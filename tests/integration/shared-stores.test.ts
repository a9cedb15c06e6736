import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkDocuments } from '../../lib/dynamodb/sdk-documents.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { dynamoDbRateLimiter } from '../../lib/rate-limit.js';
import { dynamoDbRevocationStore, isActive, revocationKey } from '../../lib/revocations.js';

describe('revocation store and rate limiter on DynamoDB Local', () => {
  const stack = inject('stack');
  const client = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  afterAll(() => client.destroy());
  const now = Math.floor(Date.now() / 1000);

  describe('revocations', () => {
    const store = dynamoDbRevocationStore('secure-mcp-local-revocations', sdkDocuments(documents));

    it('records, lists and removes a revocation; expired rows are not listed', async () => {
      const subject = `jti-${crypto.randomUUID()}`;
      const record = await store.revoke({ kind: 'jti', subject, expiresAt: now + 3600, reason: 'test', revokedBy: 'tests' });
      expect(record).toMatchObject({ pk: revocationKey('jti', subject), kind: 'jti', subject, expiresAt: now + 3600 });
      const expired = `jti-${crypto.randomUUID()}`;
      await store.revoke({ kind: 'jti', subject: expired, expiresAt: now - 1 });

      const listed = (await store.list(now)).map((row) => row.subject);
      expect(listed).toContain(subject);
      expect(listed).not.toContain(expired);

      expect(await store.remove('jti', subject)).toBe(true);
      expect(await store.remove('jti', subject)).toBe(false);
      expect((await store.list(now)).map((row) => row.subject)).not.toContain(subject);
    });

    it('stamps a user revocation with the time before which tokens are revoked', async () => {
      const at = new Date('2030-01-01T00:00:00Z');
      const record = await store.revoke({ kind: 'user', subject: 'sub-1', expiresAt: 1_893_460_000, now: at });
      expect(record.notBefore).toBe(at.getTime() / 1000);
    });

    it('treats a row whose expiresAt has passed as inactive', () => {
      expect(isActive({ expiresAt: now + 1 }, now)).toBe(true);
      expect(isActive({ expiresAt: now }, now)).toBe(false);
    });
  });

  describe('rate limiter', () => {
    const limiter = dynamoDbRateLimiter('secure-mcp-local-rate-limits', sdkDocuments(documents));

    it('allows exactly the limit under concurrency, then answers with the time to wait', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const at = new Date();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(key, 20, 60, at)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(20);
      const refused = decisions.filter((decision) => !decision.allowed);
      expect(refused).toHaveLength(30);
      for (const decision of refused) {
        expect(decision.remaining).toBe(0);
        expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(decision.retryAfterSeconds).toBeLessThanOrEqual(60);
      }
      const remainders = decisions.filter((decision) => decision.allowed).map((decision) => decision.remaining).sort((a, b) => a - b);
      expect(remainders).toEqual(Array.from({ length: 20 }, (_, index) => index));
    });

    it('starts a new window after the old one', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const first = new Date('2030-01-01T00:00:10Z');
      expect((await limiter.consume(key, 1, 60, first)).allowed).toBe(true);
      expect((await limiter.consume(key, 1, 60, first)).allowed).toBe(false);
      expect((await limiter.consume(key, 1, 60, new Date('2030-01-01T00:01:00Z'))).allowed).toBe(true);
    });
  });
});
