import { type GetPromptResult, type InputRequiredResult, ProtocolError, ProtocolErrorCode, type ServerContext, isInputRequiredResult } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '../../../lib/identity.js';
import { accountCall } from '../audit/call-accounting.js';
import type { CompiledPrompt } from '../prompt.js';
import { ToolError } from '../tool.js';
import { type ToolCallEnvironment, describeIssues, internalErrorMessage } from './tool-call.js';

/**
 * Builds one prompt and accounts for it: arguments that break their schema, and what the
 * prompt's `get` refuses (a note the caller does not have), are answered -32602 naming the
 * problem; an exception a generic error with the request id. One audit event each.
 */
export async function executePromptGet(
  prompt: CompiledPrompt,
  args: Record<string, unknown> | undefined,
  caller: CallerIdentity,
  environment: ToolCallEnvironment,
  mcp?: ServerContext,
): Promise<GetPromptResult | InputRequiredResult> {
  const input = args ?? {};
  const account = accountCall(environment, caller, 'prompt', prompt.definition.name, input);
  const parsed = prompt.arguments.safeParse(input);
  if (!parsed.success) {
    account('invalid', 'invalid_arguments');
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for prompt ${prompt.definition.name}: ${describeIssues(parsed.error)}`);
  }
  try {
    const result = await prompt.definition.get(parsed.data, {
      caller,
      scopes: environment.scopes,
      services: environment.services,
      now: environment.now,
      ...(mcp ? { mcp } : {}),
    });
    account(isInputRequiredResult(result) ? 'input_required' : 'ok');
    return result;
  } catch (error) {
    if (error instanceof ToolError) {
      account(error.code === 'invalid_argument' ? 'invalid' : 'error', error.code);
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
    }
    environment.logger.error('Prompt failed', { prompt: prompt.definition.name, error: error as Error });
    account('error', 'internal');
    throw new ProtocolError(ProtocolErrorCode.InternalError, internalErrorMessage(environment.request.requestId));
  }
}
