import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackagedFunction, nodeOf, packagedFunctions } from '../../bench/packaged-functions.js';

/**
 * Every function as `serverless package` packages it starts: its bundle, taken from its zip,
 * imported on its runtime's Node (22 for nodejs22.x) with the environment the packaged template
 * gives it (values only a stack has as placeholders in AWS's shapes, bench/packaged-functions.ts).
 * Each function parses its configuration at load, so a template variable its own schema refuses
 * fails here, before a deploy would fail at the first request. It also keeps `npm run bench --
 * deployed` able to start them all (a placeholder in the wrong shape once stopped it).
 */
let dir: string;
let functions: PackagedFunction[];

beforeAll(() => {
  ({ dir, functions } = packagedFunctions());
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLD_START = join(import.meta.dirname, '..', '..', 'bench', 'cold-start-process.mjs');

/**
 * 'loaded', or why not: the bundle imported as the bench starts it (bench/cold-start-process.mjs
 * defines the `awslambda` global the Lambda runtime gives a streaming handler), then its handler
 * export looked at. The error's own lines only: a minified bundle's source line is left out.
 */
function load(fn: PackagedFunction): string {
  const options = { env: { PATH: process.env.PATH, ...fn.environment }, encoding: 'utf8' as const, timeout: 30_000 };
  try {
    execFileSync(nodeOf(fn.runtime), [COLD_START, fn.bundle], options);
    const handler = execFileSync(nodeOf(fn.runtime), ['--input-type=module', '-e', HANDLER_TYPE(fn.bundle)], options).trim();
    return handler === 'function' ? 'loaded' : `its handler export is ${handler}`;
  } catch (error) {
    const lines = String((error as { stderr?: string }).stderr ?? error).split('\n');
    return lines.filter((line) => line.length < 400 && /Error\b|^\s+at /.test(line)).slice(0, 4).join('\n');
  }
}

/** The type of the bundle's handler export, under the same stand-in for the runtime's global. */
const HANDLER_TYPE = (bundle: string) =>
  `globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } }; ` +
  `console.log(typeof (await import(${JSON.stringify(bundle)})).handler);`;

describe('the packaged functions', () => {
  it('are all there: one bundle per function of serverless.yml', () => {
    expect(functions.map((fn) => fn.name)).toEqual(
      expect.arrayContaining(['authorizer', 'dcr', 'dcrCleanup', 'health', 'mcp', 'metadata', 'oauthApps', 'oauthAuthorize', 'oauthToken', 'revoke']),
    );
  });

  it('each loads on its runtime with its template environment and exports its handler', () => {
    const failed = functions.map((fn) => ({ name: fn.name, result: load(fn) })).filter(({ result }) => result !== 'loaded');
    expect(failed).toEqual([]);
  });

  it('a function given a value its configuration refuses does not load (what the test above would catch)', () => {
    const apps = functions.find((fn) => fn.name === 'oauthApps')!;
    expect(load({ ...apps, environment: { ...apps.environment, APPS_CLIENT_ID: 'oauthApps-AppsPageUserPoolClient-ABCDEF123456' } })).toMatch(/APPS_CLIENT_ID/);
  });
});
