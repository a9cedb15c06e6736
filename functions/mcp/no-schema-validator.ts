import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK's server validates JSON Schemas at runtime only for elicitation (asking the client's
 * user for input mid-request), which a stateless JSON-response server never does. Passing this
 * instead of the default Ajv validator keeps Ajv (about 120 KB minified) out of the bundle (see
 * serverless-plugins/esbuild-plugins.cjs); should a future SDK path need it, it fails loudly.
 */
export const noSchemaValidator: jsonSchemaValidator = {
  getValidator() {
    throw new Error('JSON Schema validation is not available in this stateless MCP server (no elicitation)');
  },
};
