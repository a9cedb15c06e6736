import type { Logger } from '@aws-lambda-powertools/logger';
import { type CallToolResult, type InputRequiredResult, type ServerContext, isInputRequiredResult } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { CallerIdentity } from '../../../lib/identity.js';
import type { ScopeName } from '../../../lib/oauth/scopes.js';
import type { AuditEvent, RequestFacts } from '../audit/audit.js';
import type { McpRequestState } from '../protocol/request-state.js';
import { accountCall } from '../audit/call-accounting.js';
import { confirmationStep } from '../policy/confirmation.js';
import type { ToolServices } from '../services.js';
import { type CompiledTool, type ToolContext, ToolError } from '../tool.js';

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
  request?: { mcp: ServerContext; requestState: McpRequestState },
): Promise<CallToolResult | InputRequiredResult> {
  const input = args ?? {};
  const account = accountCall(environment, caller, 'tool', tool.definition.name, input);

  const parsed = tool.input.safeParse(input);
  if (!parsed.success) {
    account('invalid', 'invalid_arguments');
    return errorResult(`Invalid arguments for ${tool.definition.name}: ${describeIssues(parsed.error)}`);
  }
  try {
    const confirm = tool.definition.confirm;
    if (confirm && request) {
      const step = await confirmationStep(tool.definition.name, input, confirm(parsed.data), request.mcp, (payload) => request.requestState.mint(payload, request.mcp));
      if (step.kind === 'ask') {
        account('input_required');
        return step.result;
      }
      if (step.kind === 'declined') {
        account('denied', 'confirmation_declined');
        return errorResult('Not confirmed: nothing was changed.');
      }
    }
    const output = await tool.definition.run(parsed.data, {
      caller,
      scopes: environment.scopes,
      services: environment.services,
      now: environment.now,
      ...(request ? requestChannels(request.mcp, request.requestState) : {}),
    });
    if (isInputRequiredResult(output)) {
      // Nothing was done yet: the client asks its user and calls again (a new request, audited apart).
      account('input_required');
      return output;
    }
    if (!tool.output) {
      account('ok');
      return { content: tool.definition.content?.(output) ?? [{ type: 'text', text: tool.definition.render(output) }] };
    }
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
      content: tool.definition.content?.(checked.data) ?? [{ type: 'text', text: tool.definition.render(checked.data) }],
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

/** Progress and log messages of a request, through the SDK (which drops them where the client did not ask for them). */
function requestChannels(mcp: ServerContext, requestState: McpRequestState): Pick<ToolContext, 'progress' | 'log' | 'mcp' | 'mintState'> {
  const progressToken = mcp.mcpReq._meta?.progressToken;
  return {
    mcp,
    mintState: (payload) => requestState.mint(payload, mcp),
    async progress(progress, total, message) {
      // MCP: no progress notifications without the client's token.
      if (progressToken === undefined) return;
      await mcp.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) } });
    },
    log: (level, data) => mcp.mcpReq.log(level, data),
  };
}

export function errorResult(message: string): CallToolResult {
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
