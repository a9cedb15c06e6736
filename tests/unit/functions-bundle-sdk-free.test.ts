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
 * The DCR and OAuth facade functions talk to DynamoDB, Cognito and Secrets Manager over their JSON
 * APIs (lib/aws/aws-json-call.ts under lib/dynamodb/documents.ts, lib/cognito/json-api.ts,
 * lib/aws/secrets-manager.ts): the SDK clients were most of their bundles and cold loads. Each
 * entry point, bundled with serverless.yml's own esbuild settings, must hold no AWS SDK client
 * (@aws-sdk/client-*) and no document client (@aws-sdk/lib-dynamodb). @aws-sdk/util-dynamodb
 * (marshall / unmarshall, no client) may stay.
 */
const SDK_CLIENTS = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\//;

const FUNCTIONS: Array<[string, string, string[]]> = [
  ['dcr', 'dcr/handler.ts', ['lib/dynamodb/documents.ts', 'lib/cognito/json-api.ts']],
  ['dcrCleanup', 'dcr/cleanup-handler.ts', ['lib/dynamodb/documents.ts', 'lib/cognito/json-api.ts']],
  ['oauthAuthorize', 'oauth/authorize-handler.ts', ['lib/dynamodb/documents.ts', 'lib/cognito/json-api.ts', 'lib/aws/secrets-manager.ts']],
  ['oauthToken', 'oauth/token-handler.ts', ['lib/dynamodb/documents.ts']],
  ['revoke', 'oauth/revoke-handler.ts', ['lib/dynamodb/documents.ts', 'lib/cognito/json-api.ts']],
  ['metadata', 'oauth/metadata-handler.ts', []],
];

describe('the deployed DCR and OAuth facade bundles', () => {
  it('name the handlers serverless.yml deploys', () => {
    const functions = (parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { functions: Record<string, { handler: string }> }).functions;
    for (const [name, entry] of FUNCTIONS) expect(functions[name]?.handler).toBe(entry.replace('.ts', '.handler'));
  });

  for (const [name, entry, adapters] of FUNCTIONS) {
    it(`${name} (${entry}): holds no AWS SDK client`, async () => {
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        minify: esbuildSettings.minify as boolean,
        target: esbuildSettings.target as string,
        platform: 'node',
        format: 'esm',
        write: false,
        metafile: true,
        outfile: join(ROOT, '.esbuild', 'sdk-check', `${name}.mjs`),
        plugins,
        absWorkingDir: ROOT,
        banner: esbuildSettings.banner as Record<string, string>,
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => SDK_CLIENTS.test(input))).toEqual([]);
      // The adapters that replace them are there.
      for (const adapter of adapters) expect(inputs).toContain(adapter);
    });
  }
});
