import { ProtocolError, ProtocolErrorCode, type ReadResourceResult, ResourceNotFoundError } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '../../../lib/identity.js';
import { accountCall } from '../audit/call-accounting.js';
import { type CompiledResource, matchResource } from '../resource.js';
import { ToolError } from '../tool.js';
import { type ToolCallEnvironment, describeIssues, internalErrorMessage } from './tool-call.js';

/**
 * Reads one resource and accounts for it, as executeToolCall does for tools: variables that
 * break their schema are answered -32602 naming the problem, a resource the caller does not have
 * (another user's note included: reads are keyed by the caller) -32602 "Resource not found"
 * (what the spec asks), an exception a generic error with the request id. One audit event each.
 */
export async function executeResourceRead(
  resource: CompiledResource,
  uri: string,
  caller: CallerIdentity,
  environment: ToolCallEnvironment,
): Promise<ReadResourceResult> {
  const account = accountCall(environment, caller, 'resource', resource.definition.name, { uri });
  const parsed = resource.variables.safeParse(matchResource(resource, uri) ?? {});
  if (!parsed.success) {
    account('invalid', 'invalid_arguments');
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid resource URI for ${resource.definition.name}: ${describeIssues(parsed.error)}`);
  }
  let contents;
  try {
    contents = await resource.definition.read(parsed.data, {
      caller,
      scopes: environment.scopes,
      services: environment.services,
      now: environment.now,
    });
  } catch (error) {
    if (error instanceof ToolError) {
      account(error.code === 'invalid_argument' ? 'invalid' : 'error', error.code);
      if (error.code === 'not_found') throw new ResourceNotFoundError(uri);
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
    }
    environment.logger.error('Resource read failed', { resource: resource.definition.name, error: error as Error });
    account('error', 'internal');
    throw new ProtocolError(ProtocolErrorCode.InternalError, internalErrorMessage(environment.request.requestId));
  }
  if (!contents) {
    account('error', 'not_found');
    throw new ResourceNotFoundError(uri);
  }
  account('ok');
  return { contents: [{ uri, mimeType: contents.mimeType ?? resource.definition.mimeType, ...('text' in contents ? { text: contents.text } : { blob: contents.blob }) }] };
}
