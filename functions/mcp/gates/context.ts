import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toWebRequest } from '../../../lib/http/api-gateway-fetch.js';
import { type OriginDecision, corsHeaders } from '../../../lib/http/cors.js';
import { requestBodyBytes } from '../../../lib/http/request-body.js';
import type { CallerIdentity } from '../../../lib/identity.js';
import type { AuditOutcome, RequestFacts, singleCallAudit } from '../audit/audit.js';
import { refusedCallEvent, requestFacts } from '../audit/refused-call.js';
import type { McpAnswer, McpEndpoint } from '../mcp-endpoint.js';
import { type BodyInspection, type CallFacts, inspectJsonRpcBody } from '../protocol/json-rpc-message.js';
import type { ProtocolEra } from '../protocol/mcp-server.js';
import { grantedScopes } from '../policy/scopes.js';

/** A JSON-RPC message the body inspection accepted. */
export type InspectedMessage = Extract<BodyInspection, { kind: 'message' }>;

/**
 * What the steps of /mcp learn about one request, filled in by MCP_STEPS in order (each field
 * says which step sets it; a later step may rely on it).
 */
export interface McpRequestContext {
  readonly event: APIGatewayProxyEvent;
  readonly endpoint: McpEndpoint;
  /** checkRequestOrigin. */
  origin?: OriginDecision;
  /** requireCaller. */
  caller?: CallerIdentity;
  /** The raw body; over the size limit it is never read (limitSize refuses it). */
  readonly body: Buffer;
  readonly tooLarge: boolean;
  /** consumeRateLimit: the RateLimit-* headers every answer from then on carries. */
  quotaHeaders?: Record<string, string>;
  /** inspectBody. */
  message?: InspectedMessage;
  /** decideEra: the SDK's own routing decision. */
  era?: ProtocolEra;
  /** checkCallScope, for a call: the one audit line the call leaves. */
  audit?: ReturnType<typeof singleCallAudit>;
  /** The body's first look (nesting, batch, call shape), done once, when first asked. */
  inspection(): BodyInspection;
  /** The request as the SDK is handed it, without its body (the SDK gets the parsed body). */
  webRequest(): Request;
  /** The caller's scopes (requireCaller has run). */
  scopes(): ReturnType<typeof grantedScopes>;
  /** The request's facts for the audit. */
  facts(era?: ProtocolEra): RequestFacts;
  /** One audit line for each call of a request refused before the SDK. */
  auditRefused(calls: readonly CallFacts[], outcome: AuditOutcome, reason: string): void;
  /** The calls the body names (none when it is too large to read). */
  callsInBody(): readonly CallFacts[];
  /** An answer with the CORS headers of the request's origin and, once known, the quota headers. */
  respond(response: APIGatewayProxyResult | McpAnswer): McpAnswer;
}

export function newMcpRequestContext(event: APIGatewayProxyEvent, endpoint: McpEndpoint): McpRequestContext {
  const body = requestBodyBytes(event);
  const tooLarge = body.length > endpoint.config.maxRequestBytes;
  let inspected: BodyInspection | undefined;
  let request: Request | undefined;
  let scopes: ReturnType<typeof grantedScopes> | undefined;
  const ctx: McpRequestContext = {
    event,
    endpoint,
    body,
    tooLarge,
    inspection: () => (inspected ??= inspectJsonRpcBody(body)),
    webRequest: () => (request ??= toWebRequest(event, endpoint.config.resourceUrl, { withBody: false })),
    scopes: () => (scopes ??= grantedScopes(ctx.caller!, endpoint.config.resourceUrl, endpoint.config.groupScopes)),
    // Bodies over the limit are not read, so a refusal before the size check audits only the others.
    facts: (era) => requestFacts(event, tooLarge ? undefined : ctx.inspection(), era),
    auditRefused(calls, outcome, reason) {
      const facts = ctx.facts();
      for (const call of calls) endpoint.onCall(refusedCallEvent(ctx.caller!, facts, call, outcome, reason));
    },
    callsInBody: () => (tooLarge ? [] : callsOf(ctx.inspection())),
    respond: (response) => ({
      statusCode: response.statusCode,
      body: response.body,
      headers: {
        ...(response.headers as Record<string, string>),
        ...(ctx.quotaHeaders ?? {}),
        ...corsHeaders(ctx.origin!, endpoint.cors),
      },
    }),
  };
  return ctx;
}

function callsOf(inspection: BodyInspection): readonly CallFacts[] {
  if (inspection.kind === 'refused') return inspection.calls;
  return inspection.call ? [inspection.call] : [];
}
