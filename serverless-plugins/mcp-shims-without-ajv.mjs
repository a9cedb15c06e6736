// Stands in for @modelcontextprotocol/server/_shims in the MCP function's bundle (see
// esbuild-plugins.cjs): the SDK's Node shim exports its Ajv validator as the default, which the
// server constructs only when it is given none; functions/mcp/protocol/mcp-server.ts always passes its own.
import process from 'node:process';

export class DefaultJsonSchemaValidator {
  getValidator() {
    throw new Error('Ajv is not bundled: pass jsonSchemaValidator to the MCP Server');
  }
}

export { process };
