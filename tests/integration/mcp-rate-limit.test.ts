import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInDemoUser } from '../support/demo-login.js';
import { rpc } from '../support/mcp-calls.js';
import { createTestUser } from '../support/test-users.js';

/** The local stage's limit (serverless.yml params.local.mcpRateLimit) per 60 s window. */
const LIMIT = 150;
const WINDOW_SECONDS = 60;
/** Requests a container reserves per round trip (serverless.yml params.default.mcpRateLimitLease). */
const LEASE = 5;
const CONCURRENCY = 6;

async function inParallel<T>(count: number, concurrency: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started++;
        results.push(await task());
      }
    }),
  );
  return results;
}

describe('per-caller rate limit', () => {
  const stack = inject('stack');
  let token: string;
  let otherToken: string;
  let userSub: string;

  beforeAll(async () => {
    const [user, other] = await Promise.all([createTestUser(stack), createTestUser(stack)]);
    userSub = user.sub;
    const sessions = await Promise.all([signInDemoUser(stack, { user }), signInDemoUser(stack, { user: other })]);
    token = sessions[0].accessToken;
    otherToken = sessions[1].accessToken;
  });

  it('never admits more than the limit per window under concurrency, then answers 429 with Retry-After and a JSON-RPC error', async () => {
    // Fixed windows: start early enough in one that the whole burst (a few seconds) falls into it.
    // Six at a time: serverless-offline starts a worker (a container, with leases of its own) per
    // concurrent request and times out beyond a handful; tests/integration/shared-stores.test.ts
    // fires more at once at the limiter itself.
    const secondsIntoWindow = Math.floor(Date.now() / 1000) % WINDOW_SECONDS;
    if (secondsIntoWindow > WINDOW_SECONDS - 30) await new Promise((resolve) => setTimeout(resolve, (WINDOW_SECONDS - secondsIntoWindow + 1) * 1000));

    const answers = await inParallel(LIMIT + 25, CONCURRENCY, () => rpc(stack, token, 'ping'));
    const allowed = answers.filter((answer) => answer.status === 200);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(allowed.length + limited.length).toBe(answers.length);
    // Each container reserves LEASE at a time from the shared count: never past the limit, and at
    // most LEASE - 1 refused early per container still holding part of a lease.
    expect(allowed.length).toBeLessThanOrEqual(LIMIT);
    expect(allowed.length).toBeGreaterThanOrEqual(LIMIT - CONCURRENCY * (LEASE - 1));
    for (const answer of limited) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(answer.headers.get('ratelimit-remaining')).toBe('0');
      expect(answer.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/too many requests/i) } });
    }
    // Every admitted request had a place of its own in the shared count: RateLimit-Remaining is
    // the limit minus that place, so no two answers carry the same one.
    const remaining = allowed.map((answer) => Number(answer.headers.get('ratelimit-remaining')));
    expect(new Set(remaining).size).toBe(allowed.length);
    expect(remaining.every((value) => Number.isInteger(value) && value >= 0 && value < LIMIT)).toBe(true);

    // A refused tool call is still audited, once, as denied by the rate limit. (A container may
    // still hold the last of a lease, so call until one is refused.)
    let refusedCall = await rpc(stack, token, 'tools/call', { name: 'whoami', arguments: {} });
    for (let attempt = 0; attempt < CONCURRENCY * LEASE && refusedCall.status === 200; attempt++) {
      refusedCall = await rpc(stack, token, 'tools/call', { name: 'whoami', arguments: {} });
    }
    expect(refusedCall.status).toBe(429);
    const auditLines = () =>
      readFileSync(join(stack.dataDir, 'logs', 'offline.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"message":"audit"') && line.includes(userSub) && line.includes('"reason":"rate_limited"'));
    for (let attempt = 0; attempt < 50 && auditLines().length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(auditLines()).toHaveLength(1);

    // Another caller has a budget of its own.
    expect((await rpc(stack, otherToken, 'ping')).status).toBe(200);
  }, 120_000);
});
