'use strict';

const path = require('node:path');

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
 * The MCP SDK's server imports its Ajv validator (about 120 KB with its dependencies) for
 * elicitation, which this stateless server never uses: functions/mcp/mcp-server.ts passes its
 * own validator, so the default is never constructed. The import resolves to a stand-in that
 * refuses to be constructed, so a code path that did need it would fail loudly.
 */
const mcpServerWithoutAjv = {
  name: 'mcp-server-without-ajv',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/validation\/ajv-provider\.js$/ }, (args) => {
      if (!/[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]server$/.test(args.resolveDir)) return undefined;
      return { path: path.join(__dirname, 'ajv-provider-unavailable.mjs') };
    });
  },
};

module.exports = [zodEnglishOnly, mcpServerWithoutAjv];
