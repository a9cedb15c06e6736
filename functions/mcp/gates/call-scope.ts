import { fullScope } from '../../../lib/oauth/scopes.js';
import { singleCallAudit } from '../audit/audit.js';
import { refusedCallEvent } from '../audit/refused-call.js';
import { insufficientScopeResponse } from '../policy/insufficient-scope.js';
import { scopeRefusal } from '../policy/scopes.js';
import type { McpRequestContext } from './context.js';

/**
 * A call (tools/call, resources/read, prompts/get) needs the scope of what it names, decided by
 * the body alone (the headers were only compared with it). From here the call has its one audit
 * line: an unknown target is recorded and left to the SDK to answer (a JSON-RPC error).
 */
export function checkCallScope(ctx: McpRequestContext) {
  const { endpoint } = ctx;
  const message = ctx.message!;
  const call = message.call;
  if (!call) return undefined;
  const audit = (ctx.audit = singleCallAudit(endpoint.onCall));
  const target = endpoint.catalog.resolve(call);
  if (!target) {
    audit.record(refusedCallEvent(ctx.caller!, ctx.facts(ctx.era), call, 'invalid', `unknown_${call.kind}`));
    return undefined;
  }
  if (ctx.scopes().has(target.scope)) return undefined;
  audit.record(refusedCallEvent(ctx.caller!, ctx.facts(ctx.era), call, 'denied', `missing_scope:${target.scope}`, target.name));
  return ctx.respond(
    insufficientScopeResponse({
      id: message.id,
      target: { kind: target.kind, name: target.name },
      requiredScope: fullScope(endpoint.config.resourceUrl, target.scope),
      resourceMetadataUrl: endpoint.config.resourceMetadataUrl,
      refusal: scopeRefusal(ctx.caller!, target.scope, endpoint.config.resourceUrl, endpoint.config.dcrAllowedScopes),
    }),
  );
}
