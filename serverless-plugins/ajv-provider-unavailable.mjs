// Stands in for @modelcontextprotocol/sdk's validation/ajv-provider.js in the MCP server's
// bundle (see esbuild-plugins.cjs): the server is always given its own validator.
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('Ajv is not bundled: pass jsonSchemaValidator to the MCP Server');
  }
}
