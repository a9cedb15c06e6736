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
 * The MCP function talks to DynamoDB and Cognito over their JSON APIs (lib/dynamodb/documents.ts,
 * lib/cognito/json-api.ts): the SDK clients were most of its cold load. Both entry points, bundled
 * with serverless.yml's own esbuild settings, must contain none of them.
 */
const SDK_CLIENTS = /node_modules\/@aws-sdk\/(client-dynamodb|lib-dynamodb|client-cognito-identity-provider)\//;

describe('the deployed MCP bundle', () => {
  for (const entry of ['handler.ts', 'stream-handler.ts']) {
    it(`${entry}: holds no AWS SDK DynamoDB or Cognito client`, async () => {
      const result = await build({
        entryPoints: [join(ROOT, 'functions', 'mcp', entry)],
        bundle: true,
        minify: esbuildSettings.minify as boolean,
        target: esbuildSettings.target as string,
        platform: 'node',
        format: 'esm',
        write: false,
        metafile: true,
        outfile: join(ROOT, '.esbuild', 'sdk-check', entry.replace('.ts', '.mjs')),
        plugins,
        absWorkingDir: ROOT,
        banner: esbuildSettings.banner as Record<string, string>,
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => SDK_CLIENTS.test(input))).toEqual([]);
      // The adapters that replace them are there.
      expect(inputs).toContain('lib/dynamodb/documents.ts');
      expect(inputs).toContain('lib/cognito/json-api.ts');
    });
  }
});
