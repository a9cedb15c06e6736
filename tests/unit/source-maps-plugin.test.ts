import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * serverless-plugins/source-maps.cjs on its own: esbuild builds an entry the way serverless-esbuild
 * does (one entry, relative to the service, into <build folder>/<its folder>), with the plugin
 * list of serverless.yml. `serverless package` of the real service is tests/unit/production-stack-trace.test.ts.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const plugins = require(join(ROOT, 'serverless-plugins', 'esbuild-plugins.cjs'));
const SourceMapsOutsideZips = require(join(ROOT, 'serverless-plugins', 'source-maps.cjs'));

const service = mkdtempSync(join(tmpdir(), 'mcp-source-maps-'));
afterAll(() => rmSync(service, { recursive: true, force: true }));
mkdirSync(join(service, 'fn'));
writeFileSync(join(service, 'fn', 'handler.ts'), 'export const handler = async () => { throw new Error("boom"); };\n');
const buildFolder = join(service, '.esbuild', '.build');

const buildEntry = () =>
  build({
    entryPoints: ['fn/handler.ts'],
    outdir: join(buildFolder, 'fn'),
    absWorkingDir: service,
    bundle: true,
    minify: true,
    sourcemap: 'external',
    format: 'esm',
    platform: 'node',
    outExtension: { '.js': '.mjs' },
    plugins,
    logLevel: 'error',
  });

describe('source maps beside the package (serverless-plugins/source-maps.cjs)', () => {
  // One test, in this order: the plugin keeps which command runs in its module, as in the serverless process.
  it('leaves the map in the build folder outside packaging (serverless-offline), and moves it out of what is zipped when packaging', async () => {
    await buildEntry();
    expect(existsSync(join(buildFolder, 'fn', 'handler.mjs.map'))).toBe(true);
    expect(readFileSync(join(buildFolder, 'fn', 'handler.mjs'), 'utf8')).not.toContain('sourceMappingURL');
    expect(existsSync(join(service, '.serverless', 'sourcemaps'))).toBe(false);

    // A map of an earlier package must not outlive a new one.
    mkdirSync(join(service, '.serverless', 'sourcemaps', 'old'), { recursive: true });
    writeFileSync(join(service, '.serverless', 'sourcemaps', 'old', 'gone.mjs.map'), '{}');
    const plugin = new SourceMapsOutsideZips({ serviceDir: service });
    await plugin.hooks['package:initialize']();
    rmSync(join(buildFolder, 'fn', 'handler.mjs.map'));
    await buildEntry();
    expect(existsSync(join(buildFolder, 'fn', 'handler.mjs'))).toBe(true);
    expect(existsSync(join(buildFolder, 'fn', 'handler.mjs.map'))).toBe(false);
    const map = JSON.parse(readFileSync(join(service, '.serverless', 'sourcemaps', 'fn', 'handler.mjs.map'), 'utf8'));
    expect(map.sources).toEqual(['../../../fn/handler.ts']);
    expect(existsSync(join(service, '.serverless', 'sourcemaps', 'old'))).toBe(false);
  });
});
