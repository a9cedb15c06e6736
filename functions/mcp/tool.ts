import type { ContentBlock, InputRequiredResult, LoggingLevel, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { CallerIdentity } from '../../lib/identity.js';
import type { ScopeName } from '../../lib/oauth/scopes.js';
import type { ToolServices } from './services.js';

/**
 * A tool is one file in tools/ whose default export is `defineTool({...})`: what it is called,
 * which scope it needs, what it takes and returns (zod), how clients should treat it
 * (annotations), and what it does. tools/index.ts is generated from the folder
 * (`npm run catalog:index`), so adding a file is all it takes.
 */
export interface ToolDefinition<Input extends z.ZodRawShape, Output extends z.ZodRawShape> {
  /** Unique, `[a-z][a-z0-9_]*`: what clients call. */
  name: string;
  title: string;
  /** Written for the model that decides whether to call the tool. */
  description: string;
  /** The scope a caller needs to see and call the tool. */
  scope: ScopeName;
  inputSchema: Input;
  /** What the tool returns, sent as structured content; a tool without one sends only `content`. */
  outputSchema?: Output;
  annotations: ToolHints;
  /**
   * Does the work. It may instead return `inputRequired(...)` (2026-07-28): the client asks its
   * user and calls again with the answers (see `confirm` for the common case).
   */
  run(input: z.output<z.ZodObject<Input>>, context: ToolContext): Promise<z.input<z.ZodObject<Output>> | InputRequiredResult>;
  /** A short human-readable rendering of the result, sent beside the structured content. */
  render(output: z.output<z.ZodObject<Output>>): string;
  /**
   * For a tool that changes something hard to undo: the question a 2026-07-28 client that can
   * show a form puts to its user before the tool runs (policy/confirmation.ts). Older clients run it as before.
   */
  confirm?(input: z.output<z.ZodObject<Input>>): string;
  /** Content blocks other than the rendered text (images, audio, embedded resources); defaults to the text of `render`. */
  content?(output: z.output<z.ZodObject<Output>>): ContentBlock[];
}

/** MCP tool annotations; every tool states all three hints rather than relying on defaults. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint?: boolean;
}

/** What a tool's `run` gets besides its input. */
export interface ToolContext {
  /** The verified caller. Key per-user data by `caller.principal` (a user's sub, or an API key's owner). */
  caller: CallerIdentity;
  scopes: ReadonlySet<ScopeName>;
  services: ToolServices;
  now(): Date;
  /** Progress of a long call, delivered when the client asked for it (a progressToken); otherwise nothing. */
  progress?(progress: number, total?: number, message?: string): Promise<void>;
  /** Log messages to the client (2025: after logging/setLevel; 2026-07-28: only when the request set a logLevel). */
  log?(level: LoggingLevel, data: unknown): Promise<void>;
  /** Seals a payload as the `requestState` of an input-required result (authenticated, bound to the caller, five minutes). */
  mintState?(payload: Record<string, unknown>): Promise<string>;
  /** The SDK's context of the request, for what the fields above do not cover (input responses, the verified requestState). */
  mcp?: ServerContext;
}

/**
 * An expected failure the caller can act on (not found, version conflict, bad cursor). It is
 * returned as an `isError` tool result with this message. Anything else a tool throws is an
 * internal error: logged, and answered with a generic message.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: 'invalid_argument' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export function defineTool<Input extends z.ZodRawShape, Output extends z.ZodRawShape>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>;

/** A tool ready to serve: its schemas compiled once, on first use. */
export interface CompiledTool {
  definition: AnyToolDefinition;
  readonly input: z.ZodObject;
  /** Undefined for a tool without an output schema (content only). */
  readonly output?: z.ZodObject;
  /** The tools/list entry, built on first use. */
  readonly listing: {
    name: string;
    title: string;
    description: string;
    inputSchema: { type: 'object'; [key: string]: unknown };
    outputSchema?: { type: 'object'; [key: string]: unknown };
    annotations: ToolHints & { title: string };
  };
}

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export function compileTools(definitions: readonly AnyToolDefinition[]): ReadonlyMap<string, CompiledTool> {
  const compiled = new Map<string, CompiledTool>();
  for (const definition of definitions) {
    if (!TOOL_NAME.test(definition.name)) throw new Error(`Tool name "${definition.name}" must match ${TOOL_NAME}`);
    if (compiled.has(definition.name)) throw new Error(`Two tools are named "${definition.name}"`);
    let input: z.ZodObject | undefined;
    let output: z.ZodObject | undefined;
    let listing: CompiledTool['listing'] | undefined;
    compiled.set(definition.name, {
      definition,
      // Built on the tool's first call or listing, not at cold start (issue 19): a container
      // builds the schemas of the tools it serves only.
      // Unknown arguments are refused rather than ignored: a typo must not silently change a call.
      get input() {
        return (input ??= z.strictObject(definition.inputSchema));
      },
      get output() {
        return definition.outputSchema ? (output ??= z.object(definition.outputSchema)) : undefined;
      },
      // The JSON Schemas are built on the first tools/list that shows the tool, not at cold
      // start: converting every zod schema was the largest part of this function's module load
      // (bench/floor.ts), and many containers serve only calls. Once built, kept.
      get listing() {
        return (listing ??= {
          name: definition.name,
          title: definition.title,
          description: definition.description,
          inputSchema: jsonSchemaOf(this.input, 'input'),
          ...(this.output ? { outputSchema: jsonSchemaOf(this.output, 'output') } : {}),
          annotations: { title: definition.title, ...definition.annotations },
        });
      },
    });
  }
  return compiled;
}

function jsonSchemaOf(schema: z.ZodObject, io: 'input' | 'output') {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return { ...jsonSchema, type: 'object' as const };
}
