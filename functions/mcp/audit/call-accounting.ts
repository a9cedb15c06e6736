import type { CallerIdentity } from '../../../lib/identity.js';
import { type AuditOutcome, auditEvent } from './audit.js';
import { canonicalSha256 } from './canonical-hash.js';
import type { CallKind } from '../protocol/json-rpc-message.js';
import type { ToolCallEnvironment } from '../calls/tool-call.js';

/**
 * The audit of one call that runs: a function to call exactly once with how it ended, which
 * measures the duration from now and hashes the input (never logged itself).
 */
export function accountCall(environment: ToolCallEnvironment, caller: CallerIdentity, kind: CallKind, target: string, input: unknown) {
  const started = performance.now();
  return (outcome: AuditOutcome, reason?: string) =>
    environment.onCall(
      auditEvent(caller, environment.request, {
        kind,
        target,
        inputSha256: canonicalSha256(input),
        outcome,
        reason,
        durationMs: performance.now() - started,
      }),
    );
}
