import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from '../../../lib/http/request-body.js';
import type { CallerIdentity } from '../../../lib/identity.js';
import type { BodyInspection, CallFacts } from '../protocol/json-rpc-message.js';
import type { ProtocolEra } from '../protocol/mcp-server.js';
import { type AuditEvent, type AuditOutcome, type RequestFacts, auditEvent } from './audit.js';

/** The first revision whose requests carry their version in a per-request `_meta` envelope. */
const FIRST_MODERN_REVISION = '2026-07-28';

/**
 * The audit event of a call answered without running it. Its target is what the body named, or
 * the resolved name when known; never a resource URI (which may say more than an audit should:
 * the input hash covers it).
 */
export function refusedCallEvent(
  caller: CallerIdentity,
  request: RequestFacts,
  call: CallFacts,
  outcome: AuditOutcome,
  reason: string,
  targetName = call.kind === 'resource' ? '' : (call.name ?? ''),
): AuditEvent {
  return auditEvent(caller, request, {
    kind: call.kind,
    target: targetName.slice(0, 64),
    inputSha256: call.inputSha256(),
    outcome,
    reason,
    durationMs: 0,
  });
}

/**
 * The request's facts for the audit. The era is the SDK's routing decision once it is known;
 * before (a refusal), the body's envelope, else the version header, says which.
 */
export function requestFacts(event: APIGatewayProxyEvent, inspection: BodyInspection | undefined, era: ProtocolEra | undefined): RequestFacts {
  const envelope = inspection?.kind === 'message' ? inspection.envelopeVersion : undefined;
  const header = (headerValue(event.headers, 'mcp-protocol-version') ?? '').trim().slice(0, 32);
  const protocolVersion = (envelope ?? header).slice(0, 32);
  return {
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: (headerValue(event.headers, 'user-agent') ?? '').slice(0, 256),
    era: era ?? (protocolVersion >= FIRST_MODERN_REVISION ? 'modern' : 'legacy'),
    protocolVersion,
  };
}
