import { randomUUID } from 'node:crypto';
import { type ResolvedService, evaluate, resourcesOfType } from './service-definition.js';

/**
 * serverless-offline ignores AWS::ApiGateway::GatewayResponse resources, so the 401/403 challenges
 * MCP clients start from would be missing locally. The local proxy applies the same definitions
 * from serverless.yml to the answers offline produces by itself.
 */
export type GatewayResponseType = 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'MISSING_AUTHENTICATION_TOKEN' | 'DEFAULT_4XX' | 'DEFAULT_5XX';

export interface GatewayResponseDefinition {
  statusCode?: number;
  headers: Record<string, string>;
  template?: string;
}

export type GatewayResponses = Partial<Record<GatewayResponseType, GatewayResponseDefinition>>;

export function gatewayResponsesOf(service: ResolvedService): GatewayResponses {
  const responses: GatewayResponses = {};
  for (const resource of resourcesOfType(service, 'AWS::ApiGateway::GatewayResponse')) {
    const properties = resource.Properties as {
      ResponseType: GatewayResponseType;
      StatusCode?: string;
      ResponseParameters?: Record<string, unknown>;
      ResponseTemplates?: Record<string, string>;
    };
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(properties.ResponseParameters ?? {})) {
      const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (!name) continue;
      // CORS headers are applied per request by the local proxy, from the same allowedOrigins
      // list (gateway-proxy.ts); API Gateway can only name one origin in a gateway response.
      if (isCorsHeader(name)) continue;
      headers[name] = staticMappingValue(evaluate(value), key);
    }
    responses[properties.ResponseType] = {
      statusCode: properties.StatusCode ? Number(properties.StatusCode) : undefined,
      headers,
      template: properties.ResponseTemplates?.['application/json'],
    };
  }
  return responses;
}

export const isCorsHeader = (name: string) => /^(access-control-|vary$)/i.test(name);

/** API Gateway mapping values are '<literal>' in single quotes; only literals are used here. */
function staticMappingValue(value: string, key: string): string {
  const literal = /^'(.*)'$/s.exec(value)?.[1];
  if (literal === undefined) throw new Error(`${key}: only static '...' values are supported locally`);
  return literal;
}

/** Renders the $context variables the templates use, as API Gateway would. */
export function renderTemplate(template: string, context: { requestId: string; errorMessage: string }): string {
  const values: Record<string, string> = {
    '$context.requestId': context.requestId,
    '$context.error.messageString': JSON.stringify(context.errorMessage),
  };
  // One pass with a function: inserted values are neither rescanned nor read as `$&`-patterns.
  return template.replace(/\$context\.[\w.]+/g, (variable) => {
    const value = values[variable];
    if (value === undefined) throw new Error(`Template variable ${variable} is not supported by the local stack`);
    return value;
  });
}

export interface OfflineAnswer {
  statusCode: number;
  body: string;
}

/**
 * Which gateway response, if any, API Gateway would have sent instead of what offline answered.
 * Offline's own answers are recognisable: its authorizer errors are Boom payloads
 * ({statusCode, error, message}) and unknown routes carry "route not found"; answers the
 * functions produce are left alone, as API Gateway leaves them.
 */
export function gatewayResponseFor(answer: OfflineAnswer): GatewayResponseType | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(answer.body);
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== 'object') return undefined;
  const fields = payload as Record<string, unknown>;
  const isBoom = Object.keys(fields).sort().join(',') === 'error,message,statusCode' && fields.statusCode === answer.statusCode;
  if (answer.statusCode === 401 && isBoom) return 'UNAUTHORIZED';
  if (answer.statusCode === 403 && isBoom) return 'ACCESS_DENIED';
  if (answer.statusCode === 404 && String(fields.error).includes('route not found')) return 'MISSING_AUTHENTICATION_TOKEN';
  return undefined;
}

export function renderGatewayResponse(
  responses: GatewayResponses,
  type: GatewayResponseType,
  answer: OfflineAnswer,
): { statusCode: number; headers: Record<string, string>; body: string } | undefined {
  const definition = responses[type];
  if (!definition) return undefined;
  const body = definition.template
    ? renderTemplate(definition.template, { requestId: randomUUID(), errorMessage: errorMessageOf(answer) })
    : answer.body;
  return {
    statusCode: definition.statusCode ?? answer.statusCode,
    headers: { 'Content-Type': 'application/json', ...definition.headers },
    body,
  };
}

function errorMessageOf(answer: OfflineAnswer): string {
  try {
    const message = (JSON.parse(answer.body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}
