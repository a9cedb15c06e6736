import { describe, expect, it } from 'vitest';
import type { VerifiedToken } from '../../authorizer/access-token.js';
import type { AuthorizationStore } from '../../authorizer/authorization-store.js';
import { decideAccess } from '../../authorizer/decide-access.js';
import { DEFAULT_TOUCH_TIMEOUT_MS } from '../../authorizer/config.js';
import { dynamoDbAuthorizationStore } from '../../authorizer/dynamodb-store.js';
import type { DynamoDbJsonApi } from '../../lib/dynamodb/json-api.js';

// The daily `lastUsedAt` refresh must be finished (or abandoned) before the decision is answered:
// Lambda freezes the environment when the handler returns. The same rule, checked against every
// real handler and DynamoDB Local, is tests/integration/handler-lifecycle.test.ts.
const NOW = 1_800_000_000;
let nextClient = 0;

function tokenOf(clientId: string): VerifiedToken {
  return {
    identity: {
      principal: 'user-1',
      authMethod: 'jwt',
      sub: 'user-1',
      username: 'alice',
      clientId,
      scopes: [],
      groups: [],
      tokenId: 'jti-1',
      expiresAt: NOW + 600,
      clientTrust: 'dynamic',
    },
    originJti: undefined,
    authenticatedAt: NOW - 100,
  };
}

/** A store whose client was last used two days ago, with the given touch. */
function storeWith(touchClient: AuthorizationStore['touchClient']): AuthorizationStore {
  return {
    tokenRecords: async (_keys, clientId) => ({ revocations: [], client: { clientId, lastUsedAt: NOW - 2 * 86_400 } }),
    apiKey: async () => undefined,
    touchClient,
  };
}

const decide = (clientId: string, store: AuthorizationStore, onTouchFailure?: (error: unknown) => void) =>
  decideAccess(
    { headers: { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln' } },
    { verifyToken: async () => tokenOf(clientId), store, now: () => NOW * 1000, ...(onTouchFailure ? { onTouchFailure } : {}) },
  );

describe('the lastUsedAt refresh', () => {
  it('is finished before the decision is answered', async () => {
    const events: string[] = [];
    let finish!: () => void;
    const store = storeWith(
      () =>
        new Promise<void>((resolve) => {
          events.push('touch started');
          finish = () => {
            events.push('touch finished');
            resolve();
          };
        }),
    );
    const decision = decide(`client-${nextClient++}`, store).then((result) => {
      events.push('decision answered');
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['touch started']);
    finish();
    expect((await decision).effect).toBe('allow');
    expect(events).toEqual(['touch started', 'touch finished', 'decision answered']);
  });

  it('never changes the decision when it fails, reports the failure, and is retried by the next request', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const store = storeWith(async () => {
      calls += 1;
      throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    });
    const clientId = `client-${nextClient++}`;
    expect((await decide(clientId, store, (error) => failures.push(error))).effect).toBe('allow');
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).name).toBe('ProvisionedThroughputExceededException');
    expect((await decide(clientId, store, (error) => failures.push(error))).effect).toBe('allow');
    expect(calls).toBe(2);
  });

  it('keeps the Allow even when reporting the failure throws', async () => {
    const store = storeWith(async () => Promise.reject(new Error('down')));
    const decision = await decide(`client-${nextClient++}`, store, () => {
      throw new Error('the logger broke');
    });
    expect(decision.effect).toBe('allow');
  });

  it('is abandoned by the DynamoDB store after its own bound, shorter than the read bound', async () => {
    // A DynamoDB that never answers (it only honours the abort signal, as fetch does).
    const hanging: DynamoDbJsonApi = async (_operation, _input, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), { once: true });
      });
    const tables = { revocationsTable: 'r', clientsTable: 'c', apiKeysTable: 'k', timeoutMs: 1000 };
    const started = performance.now();
    await expect(dynamoDbAuthorizationStore(hanging, { ...tables, touchTimeoutMs: 30 }).touchClient('client', NOW)).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(500);
    expect(DEFAULT_TOUCH_TIMEOUT_MS).toBeLessThan(tables.timeoutMs);
  });

  it('ignores the condition failure of a row touched meanwhile or deleted', async () => {
    const answered: DynamoDbJsonApi = async () => {
      throw Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
    };
    const store = dynamoDbAuthorizationStore(answered, { revocationsTable: 'r', clientsTable: 'c', apiKeysTable: 'k', timeoutMs: 1000 });
    await expect(store.touchClient('client', NOW)).resolves.toBeUndefined();
  });
});
