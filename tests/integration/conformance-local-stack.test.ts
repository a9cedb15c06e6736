import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runConformance } from '../support/conformance-cli.js';
import { signInDemoUser } from '../support/demo-login.js';
import { startTokenProxy } from '../support/token-proxy.js';

const BASELINE = join(import.meta.dirname, '..', 'conformance', 'expected-failures.local-stack.yaml');

/**
 * The conformance scenarios that apply to the product's own tools, against the running local
 * stack (gateway proxy, authorizer, serverless-offline, DynamoDB Local, cognito-local) with a
 * real token. server-stateless's four checks that need the suite's diagnostic tools are listed,
 * with the reason, in expected-failures.local-stack.yaml.
 */
describe('MCP conformance against the local stack with the product tools', () => {
  const stack = inject('stack');
  let proxy: Awaited<ReturnType<typeof startTokenProxy>>;

  beforeAll(async () => {
    const session = await signInDemoUser(stack);
    proxy = await startTokenProxy(stack.mcpUrl, session.accessToken);
  });
  afterAll(() => proxy?.close());

  const cases: Array<[string, string]> = [
    ['tools-list', '2026-07-28'],
    ['tools-list', '2025-11-25'],
    ['server-stateless', '2026-07-28'],
    ['dns-rebinding-protection', '2026-07-28'],
    ['dns-rebinding-protection', '2025-11-25'],
  ];
  it.each(cases)('passes %s at %s', { timeout: 120_000 }, async (scenario, revision) => {
    const run = await runConformance(proxy.url, ['--scenario', scenario, '--spec-version', revision, '--timeout', '30000', '--expected-failures', BASELINE]);
    const verdict = /^Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings$/m.exec(run.output);
    console.log(`MCP conformance ${scenario} at ${revision} (local stack, product tools): ${verdict?.[0] ?? 'no verdict'}`);
    expect(verdict, run.output.slice(-3000)).not.toBeNull();
    expect(run.code, run.output.slice(-3000)).toBe(0);
  });
});
