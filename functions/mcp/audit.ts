import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuthMethod, CallerIdentity } from '../../lib/identity.js';

export type AuditOutcome = 'ok' | 'denied' | 'invalid' | 'error';

/** Facts about the HTTP request a tool call arrived in (from the API Gateway event). */
export interface RequestFacts {
  requestId: string;
  sourceIp: string;
  userAgent: string;
}

/**
 * One audit event per tool call. It never holds the input itself (only its canonical SHA-256),
 * nor the token: only the identifiers the authorizer verified.
 */
export interface AuditEvent {
  requestId: string;
  principal: string;
  sub: string;
  clientId: string;
  authMethod: AuthMethod;
  tool: string;
  /** SHA-256 of the canonical arguments; of the request body as sent when it was refused unread (reason nesting_too_deep). */
  inputSha256: string;
  outcome: AuditOutcome;
  /**
   * Why it was not ok: `missing_scope:<name>`, `rate_limited`, `unknown_tool`, `invalid_arguments`,
   * `invalid_params`, `not_a_request`, `batch_not_supported`, `nesting_too_deep`, `protocol_error`
   * (refused by the MCP SDK's transport), `rate_limit_unavailable`, a ToolError code, `internal`.
   */
  reason?: string;
  durationMs: number;
  sourceIp: string;
  userAgent: string;
}

export type AuditSink = (event: AuditEvent) => void;

export function auditEvent(
  caller: CallerIdentity,
  request: RequestFacts,
  call: { tool: string; inputSha256: string; outcome: AuditOutcome; reason?: string; durationMs: number },
): AuditEvent {
  return {
    requestId: request.requestId,
    principal: caller.principal,
    sub: caller.sub,
    clientId: caller.clientId,
    authMethod: caller.authMethod,
    tool: call.tool,
    inputSha256: call.inputSha256,
    outcome: call.outcome,
    ...(call.reason ? { reason: call.reason } : {}),
    durationMs: Math.round(call.durationMs * 1000) / 1000,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
  };
}

/** Audit events go to the function's log as `{"message":"audit", "audit": {...}}` lines (timestamp added by the logger). */
export function loggerAuditSink(logger: Logger): AuditSink {
  return (event) => logger.info('audit', { audit: event });
}

/**
 * The audit of one tools/call: exactly one event, whichever path the call takes. The first event
 * recorded is written and any later one dropped; `recorded` tells the endpoint, once the SDK has
 * answered, whether it refused the call before any handler could account for it.
 */
export function singleToolCallAudit(sink: AuditSink): { record: AuditSink; readonly recorded: boolean } {
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
