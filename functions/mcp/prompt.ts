import type { GetPromptResult, InputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ScopeName } from '../../lib/oauth/scopes.js';
import type { ToolContext } from './tool.js';

export type PromptContext = Pick<ToolContext, 'caller' | 'scopes' | 'services' | 'now' | 'mcp'>;

/** Prompt arguments are strings on the wire (MCP); each is a zod string schema, checked on every get. */
export type PromptArguments = Record<string, z.ZodType<string | undefined, string | undefined>>;

/**
 * A prompt is one file in prompts/ whose default export is `definePrompt({...})`: a name, the
 * scope a caller needs to see and get it, its arguments (zod strings; the description of each is
 * what clients show), completions for arguments with a natural set of values, and `get`, which
 * builds the messages. What a prompt reads must be keyed by `caller.principal`.
 */
export interface PromptDefinition<Arguments extends PromptArguments> {
  /** Unique, `[a-z][a-z0-9_]*`. */
  name: string;
  title: string;
  description: string;
  scope: ScopeName;
  arguments: Arguments;
  /** The messages; or, 2026-07-28, `inputRequired(...)` to ask the client's user first. */
  get(args: z.output<z.ZodObject<Arguments>>, context: PromptContext): Promise<Pick<GetPromptResult, 'description' | 'messages'> | InputRequiredResult>;
  complete?: Partial<Record<keyof Arguments & string, (prefix: string, context: PromptContext) => Promise<string[]>>>;
}

export function definePrompt<Arguments extends PromptArguments>(definition: PromptDefinition<Arguments>): PromptDefinition<Arguments> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPromptDefinition = PromptDefinition<any>;

export interface CompiledPrompt {
  definition: AnyPromptDefinition;
  arguments: z.ZodObject;
  /** The prompts/list entry. */
  listing: { name: string; title: string; description: string; arguments: Array<{ name: string; description?: string; required: boolean }> };
}

const PROMPT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export function compilePrompt(definition: AnyPromptDefinition): CompiledPrompt {
  if (!PROMPT_NAME.test(definition.name)) throw new Error(`Prompt name "${definition.name}" must match ${PROMPT_NAME}`);
  const shape = definition.arguments as PromptArguments;
  return {
    definition,
    // Unknown arguments are refused rather than ignored, as for tools.
    arguments: z.strictObject(shape),
    listing: {
      name: definition.name,
      title: definition.title,
      description: definition.description,
      arguments: Object.entries(shape).map(([name, schema]) => ({
        name,
        ...(schema.description ? { description: schema.description } : {}),
        required: !schema.safeParse(undefined).success,
      })),
    },
  };
}
