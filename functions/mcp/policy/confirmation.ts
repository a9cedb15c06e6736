import { type InputRequiredResult, type ServerContext, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { canonicalSha256 } from '../audit/canonical-hash.js';

const CONFIRM = 'confirm';

const CONFIRM_SCHEMA = {
  type: 'object' as const,
  properties: { confirm: { type: 'boolean' as const, title: 'Confirm', description: 'Do it: this cannot be undone' } },
  required: ['confirm'],
};

/** The confirmation round's sealed state: which call it confirms (the codec binds the caller, client and method). */
interface ConfirmationState {
  tool?: unknown;
  argsSha256?: unknown;
}

export type ConfirmationStep = { kind: 'run' } | { kind: 'ask'; result: InputRequiredResult } | { kind: 'declined' };

/**
 * Whether a tool that asks for confirmation (`confirm` in its definition) may run now. A
 * 2026-07-28 client that declares form elicitation is asked first, through an input-required
 * result whose requestState is sealed by the server (tool name and the hash of the arguments;
 * the codec binds caller, client and method and expires it), so the client can neither forge
 * the confirmation nor carry it over to other arguments, another tool or another user: any such
 * retry is simply asked again. It runs only on the retry that answers `confirm: true` under that
 * state. Clients of the 2025 revisions, and those that cannot show a form, get the tool as before:
 * the confirmation is a safeguard for the user, not an authorization control (scope, group and
 * audit are).
 */
export async function confirmationStep(
  tool: string,
  input: unknown,
  message: string,
  mcp: ServerContext,
  mintState: (payload: Record<string, unknown>) => Promise<string>,
): Promise<ConfirmationStep> {
  if (!canShowForm(mcp)) return { kind: 'run' };
  const argsSha256 = canonicalSha256(input);
  const state = mcp.mcpReq.requestState<ConfirmationState>();
  if (state?.tool === tool && state.argsSha256 === argsSha256) {
    const answer = inputResponse(mcp.mcpReq.inputResponses, CONFIRM);
    if (answer.kind === 'elicit' && answer.action === 'accept' && answer.content?.confirm === true) return { kind: 'run' };
    if (answer.kind === 'elicit') return { kind: 'declined' };
  }
  return {
    kind: 'ask',
    result: inputRequired({
      inputRequests: { [CONFIRM]: inputRequired.elicit({ message, requestedSchema: CONFIRM_SCHEMA }) },
      requestState: await mintState({ tool, argsSha256 }),
    }),
  };
}

/** A 2026-07-28 request (it carries the envelope) from a client that declares form elicitation. */
function canShowForm(mcp: ServerContext): boolean {
  // The 2.4.0 typings declare the envelope as {} (a known gap): read it as a record.
  const envelope = mcp.mcpReq.envelope as Record<string, { elicitation?: { form?: unknown; url?: unknown } } | undefined> | undefined;
  const elicitation = envelope?.['io.modelcontextprotocol/clientCapabilities']?.elicitation;
  if (envelope === undefined || elicitation === undefined || elicitation === null) return false;
  // An empty elicitation capability means form (MCP); one naming only url cannot show a form.
  return elicitation.form !== undefined || elicitation.url === undefined;
}
