'use strict';

const path = require('node:path');
const { esbuildPlugin: sourceMapsOutsideZips } = require('./source-maps.cjs');

/**
 * esbuild plugins for the function bundles (custom.esbuild.plugins in serverless.yml).
 *
 * zod's `z` namespace re-exports every error-message locale (`z.locales`, also re-exported by zod's core and mini entry points), about 250 KB
 * minified that no function uses (zod itself only configures English, from locales/en.js).
 * Because `z` is one object, esbuild cannot tree-shake them; this resolves zod's locale index
 * to a module that exports English alone. Nothing in this project or its dependencies reads
 * `z.locales`: a unit test builds the MCP handler and checks zod's messages still work.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)) return undefined;
      return { path: path.join(__dirname, 'zod-locales-en.mjs') };
    });
  },
};

/**
 * The MCP SDK v2 server imports its default JSON Schema validator, Ajv (about 150 KB with its
 * dependencies), through `@modelcontextprotocol/server/_shims`. It needs one only to check
 * elicitation answers pushed mid-request, which this stateless server never asks for:
 * functions/mcp/protocol/mcp-server.ts passes its own validator, so the default is never constructed. The
 * shim resolves to a stand-in whose validator refuses to work, so a code path that did need it
 * would fail loudly.
 */
const mcpServerWithoutAjv = {
  name: 'mcp-server-without-ajv',
  setup(build) {
    build.onResolve({ filter: /^@modelcontextprotocol\/server\/_shims$/ }, () => ({
      path: path.join(__dirname, 'mcp-shims-without-ajv.mjs'),
    }));
  },
};

// source-maps.cjs: each bundle's map goes beside the package (.serverless/sourcemaps), not into its zip.
module.exports = [zodEnglishOnly, mcpServerWithoutAjv, sourceMapsOutsideZips];
