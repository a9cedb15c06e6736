import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceRun, runConformance, summaryText } from '../support/conformance-cli.js';
import { type Harness, startConformanceHarness } from './harness.js';

/**
 * The official MCP conformance suite's server requirement sets, against the real endpoint code
 * (tests/conformance/harness.ts) serving the suite's fixtures. A scenario fails this test unless it
 * passes or is listed, with its reason, in the revision's expected-failures file; an entry that
 * starts passing fails it too. The results are printed.
 */
describe('MCP conformance suite against the endpoint', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startConformanceHarness();
  });
  afterAll(() => harness.close());

  const report = (revision: string, run: ConformanceRun) => {
    const failing = run.scenarios.filter((scenario) => !scenario.ok).map((scenario) => scenario.scenario);
    console.log(
      `\nMCP conformance ${revision} (real endpoint, fixtures): ${run.scenarios.length} scenarios, ` +
        `${run.scenarios.length - failing.length} passing, failing (expected or not scored): ${failing.join(', ') || 'none'}\n${summaryText(run)}\n`,
    );
  };

  it.each(['2026-07-28', '2025-11-25'])('passes the %s server requirement set, but for the listed expected failures', async (revision) => {
    const baseline = join(import.meta.dirname, `expected-failures.${revision}.yaml`);
    const run = await runConformance(harness.url, ['--requirements', revision, '--timeout', '5000', '--expected-failures', baseline]);
    report(revision, run);
    expect(run.scenarios.length, run.output.slice(-3000)).toBeGreaterThan(20);
    expect(run.code, summaryText(run)).toBe(0);
  });
});
