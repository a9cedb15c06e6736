import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuthMethod, CallerIdentity } from '../../../lib/identity.js';
import type { CallKind } from '../protocol/json-rpc-message.js';

/** `input_required`: the call asked the client for input (a confirmation) and changed nothing yet. */
export type AuditOutcome = 'ok' | 'denied' | 'invalid' | 'error' | 'input_required';

/** Facts about the HTTP request a tool call arrived in (from the API Gateway event). */
export interface RequestFacts {
  requestId: string;
  sourceIp: string;
  userAgent: string;
  /** `modern` for 2026-07-28 requests (per-request `_meta` envelope), `legacy` for the 2025 revisions. */
  era: 'modern' | 'legacy';
  /** The revision the request claims (envelope or MCP-Protocol-Version header), '' when it names none (initialize, 2025-03-26). */
  protocolVersion: string;
}

/**
 * One audit event per call: tools/call, resources/read or prompts/get. It never holds the input
 * itself (only its canonical SHA-256; for a resource, of `{uri}`, so not the URI either), nor the
 * token: only the identifiers the authorizer verified.
 */
export interface AuditEvent {
  requestId: string;
  principal: string;
  sub: string;
  clientId: string;
  authMethod: AuthMethod;
  kind: CallKind;
  /** The tool's or prompt's name, the resource's template name (`note`); for an unknown target what was asked, cut to 64 characters. */
  target: string;
  /** Same as `target` for tool calls (kept for existing log queries); absent for resources and prompts. */
  tool?: string;
  /** SHA-256 of the canonical arguments; of the request body as sent when it was refused unread (reason nesting_too_deep). */
  inputSha256: string;
  outcome: AuditOutcome;
  /**
   * Why it was not ok: `missing_scope:<name>`, `rate_limited`, `unknown_tool`, `unknown_resource`,
   * `unknown_prompt`, `header_mismatch` (MCP-Protocol-Version, Mcp-Method or Mcp-Name disagree
   * with the body), `confirmation_declined`, `invalid_arguments`,
   * `invalid_params`, `not_a_request`, `batch_not_supported`, `nesting_too_deep`, `protocol_error`
   * (refused by the MCP SDK's transport), `rate_limit_unavailable`, a ToolError code, `internal`.
   */
  reason?: string;
  durationMs: number;
  sourceIp: string;
  userAgent: string;
  era: 'modern' | 'legacy';
  protocolVersion: string;
}

export type AuditSink = (event: AuditEvent) => void;

export function auditEvent(
  caller: CallerIdentity,
  request: RequestFacts,
  call: { kind: CallKind; target: string; inputSha256: string; outcome: AuditOutcome; reason?: string; durationMs: number },
): AuditEvent {
  return {
    requestId: request.requestId,
    principal: caller.principal,
    sub: caller.sub,
    clientId: caller.clientId,
    authMethod: caller.authMethod,
    kind: call.kind,
    target: call.target,
    ...(call.kind === 'tool' ? { tool: call.target } : {}),
    inputSha256: call.inputSha256,
    outcome: call.outcome,
    ...(call.reason ? { reason: call.reason } : {}),
    durationMs: Math.round(call.durationMs * 1000) / 1000,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    era: request.era,
    protocolVersion: request.protocolVersion,
  };
}

/** Audit events go to the function's log as `{"message":"audit", "audit": {...}}` lines (timestamp added by the logger). */
export function loggerAuditSink(logger: Logger): AuditSink {
  return (event) => logger.info('audit', { audit: event });
}

/**
 * The audit of one call: exactly one event, whichever path the call takes. The first event
 * recorded is written and any later one dropped; `recorded` tells the endpoint, once the SDK has
 * answered, whether it refused the call before any handler could account for it.
 */
export function singleCallAudit(sink: AuditSink): { record: AuditSink; readonly recorded: boolean } {
  let recorded = false;
  return {
    record(event) {
      if (recorded) return;
      recorded = true;
      sink(event);
    },
    get recorded() {
      return recorded;
    },
  };
}
