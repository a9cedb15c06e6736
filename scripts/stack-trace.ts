/**
 * `npm run --silent stack-trace -- [--maps <folder>] [file]`: prints a production stack trace
 * (from `file`, or pasted on standard input) with its bundle positions mapped back to the
 * TypeScript, using the source maps of the build that was deployed (by default
 * .serverless/sourcemaps, written by `npm run package` / `serverless deploy`). See the README,
 * "Reading a production stack trace".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
// Which build the maps are of: the operator compares it with the deployed function's CodeSha256.
const codeFile = join(folder, 'code-sha256.json');
const code = existsSync(codeFile) ? (JSON.parse(readFileSync(codeFile, 'utf8')) as Record<string, { function: string; codeSha256: string }>) : {};
for (const bundle of maps.used) {
  const built = code[bundle];
  process.stderr.write(
    built
      ? `stack-trace: ${bundle} mapped with the build whose zip has CodeSha256 ${built.codeSha256}; the deployed one: aws lambda get-function-configuration --function-name ${built.function} --query CodeSha256\n`
      : `stack-trace: ${bundle} mapped, but ${codeFile} does not say which build its map is of\n`,
  );
}
if (unmapped > 0) {
  process.stderr.write(`stack-trace: ${unmapped} position(s) left as they were: no map in ${folder} for them (maps for: ${maps.bundles.join(', ')})\n`);
}
