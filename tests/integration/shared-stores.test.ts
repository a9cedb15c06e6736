import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { sdkDocuments } from '../../lib/dynamodb/sdk-documents.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { type RateLimitCounter, dynamoDbRateLimitCounter, dynamoDbRateLimiter } from '../../lib/rate-limit.js';
import { leasedRateLimiter } from '../../lib/rate-limit-lease.js';
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

  describe('leased rate limiter (what the MCP function counts with)', () => {
    const TABLE = 'secure-mcp-local-rate-limits';
    /** The real DynamoDB counter, with its reservations counted (the round trips a container makes). */
    function countedCounter(table = TABLE) {
      const counter = dynamoDbRateLimitCounter(table, sdkDocuments(documents));
      const reservations: number[] = [];
      const counted: RateLimitCounter = {
        reserve(key, window, amount, limit) {
          reservations.push(amount);
          return counter.reserve(key, window, amount, limit);
        },
      };
      return { counted, reservations };
    }
    const stored = async (key: string, windowStart: number) =>
      (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: `${key}#${windowStart}` } }))).Item?.count;

    it('admits exactly the limit from one container, with one round trip per lease', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const at = new Date('2030-01-01T00:00:10Z');
      const { counted, reservations } = countedCounter();
      const limiter = leasedRateLimiter(counted, { lease: 5 });
      const decisions = [];
      for (let index = 0; index < 30; index++) decisions.push(await limiter.consume(key, 23, 60, at));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(23);
      expect(decisions.slice(0, 23).every((decision) => decision.allowed)).toBe(true);
      // Remaining counts down by one per request, as the exact limiter's does.
      expect(decisions.slice(0, 23).map((decision) => decision.remaining)).toEqual(Array.from({ length: 23 }, (_, index) => 22 - index));
      // 5+5+5+5 then only the 3 left; once full, refused from memory for the rest of the window.
      expect(reservations).toEqual([5, 5, 5, 5, 3]);
      expect(await stored(key, 1_893_456_000)).toBe(23);
      expect(decisions[29]).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
    });

    it('never admits more than the limit across containers under concurrency, and refuses at most lease - 1 early per other container', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const at = new Date();
      const containers = Array.from({ length: 4 }, () => leasedRateLimiter(countedCounter().counted, { lease: 5 }));
      const decisions = await Promise.all(
        Array.from({ length: 120 }, (_, index) => containers[index % containers.length]!.consume(key, 42, 60, at)),
      );
      const allowed = decisions.filter((decision) => decision.allowed).length;
      expect(allowed).toBeLessThanOrEqual(42);
      expect(allowed).toBeGreaterThanOrEqual(42 - (containers.length - 1) * 4);
      // Every admitted request was reserved in the shared count first.
      expect(await stored(key, Math.floor(at.getTime() / 1000 / 60) * 60)).toBeLessThanOrEqual(42);
      expect(decisions.filter((decision) => !decision.allowed).every((decision) => decision.remaining === 0)).toBe(true);
    });

    it('has one reservation in flight per caller: concurrent requests of one container wait for it', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const { counted, reservations } = countedCounter();
      const limiter = leasedRateLimiter(counted, { lease: 10 });
      const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.consume(key, 100, 60)));
      expect(decisions.every((decision) => decision.allowed)).toBe(true);
      expect(reservations).toEqual([10]);
    });

    it('drops what is left of a lease when the window ends and reserves again in the new one', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const { counted, reservations } = countedCounter();
      const limiter = leasedRateLimiter(counted, { lease: 5 });
      expect((await limiter.consume(key, 2, 60, new Date('2030-01-01T00:00:10Z'))).allowed).toBe(true);
      expect((await limiter.consume(key, 2, 60, new Date('2030-01-01T00:00:20Z'))).allowed).toBe(true);
      expect((await limiter.consume(key, 2, 60, new Date('2030-01-01T00:00:30Z'))).allowed).toBe(false);
      expect((await limiter.consume(key, 2, 60, new Date('2030-01-01T00:01:00Z')))).toMatchObject({ allowed: true, remaining: 1, retryAfterSeconds: 60 });
      expect(reservations).toEqual([2, 2]);
    });

    it('fails every waiting request when the count cannot be reached, and asks again on the next one', async () => {
      const key = `test#${crypto.randomUUID()}`;
      const { counted, reservations } = countedCounter('no-such-table');
      const limiter = leasedRateLimiter(counted, { lease: 5 });
      const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => limiter.consume(key, 100, 60)));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect((outcomes[0] as PromiseRejectedResult).reason.name).toBe('ResourceNotFoundException');
      await expect(limiter.consume(key, 100, 60)).rejects.toThrow();
      expect(reservations).toEqual([5, 5]);
    });

    it('forgets the oldest caller beyond its key bound (its lease unused, never over-admitted)', async () => {
      const first = `test#${crypto.randomUUID()}`;
      const { counted, reservations } = countedCounter();
      const limiter = leasedRateLimiter(counted, { lease: 5, maxKeys: 2 });
      await limiter.consume(first, 100, 60);
      await limiter.consume(`test#${crypto.randomUUID()}`, 100, 60);
      await limiter.consume(`test#${crypto.randomUUID()}`, 100, 60);
      expect((await limiter.consume(first, 100, 60)).remaining).toBe(94);
      expect(reservations).toEqual([5, 5, 5, 5]);
    });
  });
});
