import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');
const plugins = createRequire(import.meta.url)(join(ROOT, 'serverless-plugins', 'esbuild-plugins.cjs'));
const esbuildSettings = (parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;

/**
 * The conformance suite's fixture tools, resources and prompts (tests/conformance/fixture) exist
 * only for the tests: the MCP function, bundled with serverless.yml's own esbuild settings,
 * contains none of them, nor the v1 SDK (a devDependency now) nor Ajv.
 */
describe('the deployed MCP bundle', () => {
  it('holds no conformance fixture, no v1 SDK and no Ajv', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'functions', 'mcp', 'handler.ts')],
      bundle: true,
      minify: esbuildSettings.minify as boolean,
      target: esbuildSettings.target as string,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      outfile: join(ROOT, '.esbuild', 'fixture-check', 'handler.mjs'),
      plugins,
      absWorkingDir: ROOT,
      banner: esbuildSettings.banner as Record<string, string>,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('tests/'))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/(ajv|@modelcontextprotocol\/sdk)\//.test(input))).toEqual([]);
    const code = result.outputFiles.map((file) => file.text).join('\n');
    for (const fixture of ['test_simple_text', 'test://static-text', 'test_input_required_result', 'test_prompt_with_arguments']) {
      expect(code, fixture).not.toContain(fixture);
    }
    // The product's own catalog is there.
    for (const name of ['notes_get', 'note://{id}', 'summarize_note']) expect(code).toContain(name);
  });
});
