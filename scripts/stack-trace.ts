/**
 * `npm run --silent stack-trace -- [--maps <folder>] [file]`: prints a production stack trace
 * (from `file`, or pasted on standard input) with its bundle positions mapped back to the
 * TypeScript, using the source maps of the build that was deployed (by default
 * .serverless/sourcemaps, written by `npm run package` / `serverless deploy`). See the README,
 * "Reading a production stack trace".
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mapTrace, sourceMapsIn, tracesIn } from './source-mapped-trace.js';

const ROOT = resolve(import.meta.dirname, '..');

function fail(message: string): never {
  process.stderr.write(`stack-trace: ${message}\n`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  options: { maps: { type: 'string', default: resolve(ROOT, '.serverless', 'sourcemaps') } },
  allowPositionals: true,
});
const folder = resolve(values.maps!);
if (!existsSync(folder)) {
  fail(`no source maps at ${folder}: pass --maps <the .serverless/sourcemaps folder of the build that is deployed>`);
}
const input = positionals[0] === undefined ? readFileSync(0, 'utf8') : readFileSync(positionals[0], 'utf8');
const maps = sourceMapsIn(folder);
const { text, mapped, unmapped } = mapTrace(tracesIn(input), maps);
process.stdout.write(`${text.trimEnd()}\n`);
if (mapped === 0 && unmapped === 0) fail('no bundle position (file.mjs:line:column) in the input');
if (unmapped > 0) {
  process.stderr.write(`stack-trace: ${unmapped} position(s) left as they were: no map in ${folder} for them (maps for: ${maps.bundles.join(', ')})\n`);
}
