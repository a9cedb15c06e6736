import type { jsonSchemaValidator } from '@modelcontextprotocol/server';

/**
 * The SDK's server validates JSON Schemas at runtime only for elicitation pushed to the client
 * mid-request, which a stateless server never does (2026-07-28 asks through input-required
 * results instead). Passing this instead of the default Ajv validator, with Ajv kept out of the
 * bundle (see serverless-plugins/esbuild-plugins.cjs), saves about 120 KB; should a future SDK
 * path need it, it fails loudly.
 */
export const noSchemaValidator: jsonSchemaValidator = {
  getValidator() {
    throw new Error('JSON Schema validation is not available in this stateless MCP server (no pushed elicitation)');
  },
};
