import type { Logger } from '@aws-lambda-powertools/logger';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { CallerIdentity } from '../../lib/identity.js';
import type { ScopeName } from '../../lib/oauth/scopes.js';
import type { AuditEvent, RequestFacts } from './audit.js';
import { accountCall } from './call-accounting.js';
import type { ToolServices } from './services.js';
import { type CompiledTool, ToolError } from './tool.js';

/** Everything a tool call needs beyond the tool and its arguments. */
export interface ToolCallEnvironment {
  scopes: ReadonlySet<ScopeName>;
  services: ToolServices;
  request: RequestFacts;
  logger: Logger;
  now(): Date;
  /** Called once per call (tool, resource, prompt) with its audit event (audit log, metrics). */
  onCall(event: AuditEvent): void;
}

/**
 * Runs one tool call and accounts for it. Following the MCP spec, what the model can correct
 * (invalid arguments, a version conflict, a missing note) comes back as an `isError` result with
 * a specific message; an unexpected exception is logged with the request id and answered with a
 * generic message that reveals nothing about the internals.
 */
export async function executeToolCall(
  tool: CompiledTool,
  args: unknown,
  caller: CallerIdentity,
  environment: ToolCallEnvironment,
): Promise<CallToolResult> {
  const input = args ?? {};
  const account = accountCall(environment, caller, 'tool', tool.definition.name, input);

  const parsed = tool.input.safeParse(input);
  if (!parsed.success) {
    account('invalid', 'invalid_arguments');
    return errorResult(`Invalid arguments for ${tool.definition.name}: ${describeIssues(parsed.error)}`);
  }
  try {
    const output = await tool.definition.run(parsed.data, {
      caller,
      scopes: environment.scopes,
      services: environment.services,
      now: environment.now,
    });
    const checked = tool.output.safeParse(output);
    if (!checked.success) {
      // A bug in the tool, not the caller's fault: never send a result that breaks the schema.
      environment.logger.error('Tool output does not match its output schema', {
        tool: tool.definition.name,
        issues: describeIssues(checked.error),
      });
      account('error', 'internal');
      return internalErrorResult(environment.request.requestId);
    }
    account('ok');
    return {
      structuredContent: checked.data,
      content: [{ type: 'text', text: tool.definition.render(checked.data) }],
    };
  } catch (error) {
    if (error instanceof ToolError) {
      account(error.code === 'invalid_argument' ? 'invalid' : 'error', error.code);
      return errorResult(error.message);
    }
    environment.logger.error('Tool failed', { tool: tool.definition.name, error: error as Error });
    account('error', 'internal');
    return internalErrorResult(environment.request.requestId);
  }
}

function errorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

export function internalErrorMessage(requestId: string): string {
  return `The call failed because of an internal error (request id ${requestId}). Try again later.`;
}

function internalErrorResult(requestId: string): CallToolResult {
  return errorResult(`The tool failed because of an internal error (request id ${requestId}). Try again later.`);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}
