import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { CallerIdentity } from '../../lib/identity.js';
import { callerOf } from './caller.js';

/**
 * Everything the server needs to know about a tool, in one object: a tool is one file that
 * exports one of these, and tools/index.ts lists it.
 */
export interface ToolDefinition<Input extends z.ZodRawShape, Output extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolAnnotations;
  run(input: z.infer<z.ZodObject<Input>>, caller: CallerIdentity): Promise<z.infer<z.ZodObject<Output>>>;
  /** A short human-readable rendering of the result, sent beside the structured content. */
  render(output: z.infer<z.ZodObject<Output>>): string;
}

export function defineTool<Input extends z.ZodRawShape, Output extends z.ZodRawShape>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>;

export function registerTool(server: McpServer, tool: AnyToolDefinition): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema,
      annotations: tool.annotations,
    },
    async (input: Record<string, unknown>, extra: { authInfo?: AuthInfo | undefined }) => {
      const output = await tool.run(input, callerOf(extra));
      return {
        structuredContent: output,
        content: [{ type: 'text' as const, text: tool.render(output) }],
      };
    },
  );
}
