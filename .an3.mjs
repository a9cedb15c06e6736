import { build } from 'esbuild';
import { createRequire } from 'node:module';
const plugins = createRequire(import.meta.url)('./serverless-plugins/esbuild-plugins.cjs');
const result = await build({
  entryPoints: ['functions/mcp/handler.ts'], bundle: true, minify: true, platform: 'node', target: 'node22', format: 'esm',
  metafile: true, write: false, outfile: '/tmp/wt4-out.mjs', plugins,
});
console.log((Object.values(result.metafile.outputs)[0].bytes/1024).toFixed(1));
