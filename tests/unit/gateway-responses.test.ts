import { describe, expect, it } from 'vitest';
import {
  type GatewayResponses,
  gatewayResponseFor,
  gatewayResponsesOf,
  renderGatewayResponse,
  renderTemplate,
} from '../../local/gateway-responses.js';
import type { ResolvedService } from '../../local/service-definition.js';

const BASE = 'http://localhost:3000';
const UNAUTHORIZED_CHALLENGE = `Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="A valid access token is required"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The shape `serverless print` resolves resources/gateway-responses.yml to for the local stage. */
const service: ResolvedService = {
  resources: {
    GatewayResponseUnauthorized: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: 'UNAUTHORIZED',
        StatusCode: '401',
        ResponseParameters: {
          'gatewayresponse.header.WWW-Authenticate': {
            'Fn::Join': [
              '',
              [
                `'Bearer resource_metadata="`,
                BASE,
                `/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="A valid access token is required"'`,
              ],
            ],
          },
          'gatewayresponse.header.Cache-Control': "'no-store'",
        },
        ResponseTemplates: {
          'application/json':
            '{"error":"invalid_token","error_description":"A valid access token is required","request_id":"$context.requestId"}',
        },
      },
    },
    GatewayResponseAccessDenied: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: 'ACCESS_DENIED',
        StatusCode: '403',
        ResponseParameters: {
          'gatewayresponse.header.WWW-Authenticate': {
            'Fn::Join': ['', ["'Bearer error=", '"insufficient_scope"', "'"]],
          },
        },
        ResponseTemplates: { 'application/json': '{"error":"insufficient_scope","request_id":"$context.requestId"}' },
      },
    },
    GatewayResponseUnknownRoute: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
        StatusCode: '404',
        ResponseTemplates: {
          'application/json': '{"error":"not_found","request_id":"$context.requestId"}',
        },
      },
    },
    GatewayResponseDefault4XX: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: 'DEFAULT_4XX',
        ResponseTemplates: {
          'application/json':
            '{"error":"invalid_request","error_description":$context.error.messageString,"request_id":"$context.requestId"}',
        },
      },
    },
    ClientsTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: 'clients', ResponseType: 'DEFAULT_5XX' },
    },
  },
};

const boom = (statusCode: number, error: string, message: string) => JSON.stringify({ statusCode, error, message });
const offlineRouteNotFound = JSON.stringify({
  currentRoute: 'get - /nope',
  error: 'Serverless-offline: route not found.',
  existingRoutes: ['GET - /health'],
  statusCode: 404,
});

describe('gatewayResponsesOf', () => {
  const responses = gatewayResponsesOf(service);

  it('reads every gateway response and nothing else', () => {
    expect(Object.keys(responses).sort()).toEqual(['ACCESS_DENIED', 'DEFAULT_4XX', 'MISSING_AUTHENTICATION_TOKEN', 'UNAUTHORIZED']);
  });

  it('evaluates Fn::Join header values and removes the quotes', () => {
    expect(responses.UNAUTHORIZED?.headers).toEqual({
      'WWW-Authenticate': UNAUTHORIZED_CHALLENGE,
      'Cache-Control': 'no-store',
    });
    expect(responses.ACCESS_DENIED?.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="insufficient_scope"' });
  });

  it('reads the status code as a number, and leaves it out when not set', () => {
    expect(responses.UNAUTHORIZED?.statusCode).toBe(401);
    expect(responses.ACCESS_DENIED?.statusCode).toBe(403);
    expect(responses.MISSING_AUTHENTICATION_TOKEN?.statusCode).toBe(404);
    expect(responses.DEFAULT_4XX?.statusCode).toBeUndefined();
  });

  it('reads the application/json template', () => {
    expect(responses.MISSING_AUTHENTICATION_TOKEN).toEqual({
      statusCode: 404,
      headers: {},
      template: '{"error":"not_found","request_id":"$context.requestId"}',
    });
  });

  it('ignores response parameters that are not headers', () => {
    const result = gatewayResponsesOf({
      resources: {
        R: {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: {
            ResponseType: 'DEFAULT_5XX',
            ResponseParameters: { 'gatewayresponse.path.x': "'y'", 'gatewayresponse.header.X-Kind': "'gateway'" },
          },
        },
      },
    });
    expect(result.DEFAULT_5XX).toEqual({ statusCode: undefined, headers: { 'X-Kind': 'gateway' }, template: undefined });
  });

  it('keeps quotes inside a literal value', () => {
    const result = gatewayResponsesOf({
      resources: {
        R: {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: { ResponseType: 'DEFAULT_4XX', ResponseParameters: { 'gatewayresponse.header.X': "'a'b'" } },
        },
      },
    });
    expect(result.DEFAULT_4XX?.headers).toEqual({ X: "a'b" });
  });

  it.each([
    ['a mapping expression', 'method.request.header.Origin'],
    ['an unquoted value', 'no-store'],
    ['a value with only an opening quote', "'no-store"],
  ])('throws for %s', (_label, value) => {
    const withValue: ResolvedService = {
      resources: {
        R: {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: { ResponseType: 'DEFAULT_4XX', ResponseParameters: { 'gatewayresponse.header.X-Test': value } },
        },
      },
    };
    expect(() => gatewayResponsesOf(withValue)).toThrow("gatewayresponse.header.X-Test: only static '...' values are supported locally");
  });

  it('throws for a header value that refers to a deployed resource', () => {
    const withRef: ResolvedService = {
      resources: {
        R: {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: {
            ResponseType: 'DEFAULT_4XX',
            ResponseParameters: { 'gatewayresponse.header.X-Test': { Ref: 'ApiGatewayRestApi' } },
          },
        },
      },
    };
    expect(() => gatewayResponsesOf(withRef)).toThrow('Cannot evaluate');
  });

  it('returns nothing for a service without gateway responses', () => {
    expect(gatewayResponsesOf({ resources: {} })).toEqual({});
  });
});

describe('renderTemplate', () => {
  const context = { requestId: 'req-123', errorMessage: 'Missing Authentication Token' };

  it('substitutes $context.requestId', () => {
    expect(renderTemplate('{"request_id":"$context.requestId"}', context)).toBe('{"request_id":"req-123"}');
  });

  it('substitutes every occurrence', () => {
    expect(renderTemplate('$context.requestId/$context.requestId', context)).toBe('req-123/req-123');
  });

  it('substitutes $context.error.messageString as a JSON string', () => {
    expect(renderTemplate('{"m":$context.error.messageString}', context)).toBe('{"m":"Missing Authentication Token"}');
  });

  it('JSON-escapes the message', () => {
    const errorMessage = 'He said "no" \\ then\nleft\u0001';
    const rendered = renderTemplate('{"m":$context.error.messageString,"id":"$context.requestId"}', { requestId: 'r', errorMessage });
    expect(JSON.parse(rendered)).toEqual({ m: errorMessage, id: 'r' });
  });

  it('leaves a template without variables as it is', () => {
    expect(renderTemplate('{"error":"x"}', context)).toBe('{"error":"x"}');
  });

  it.each(['$context.authorizer.principalId', '$context.identity.sourceIp', '$context.error.message', '$context.x'])(
    'throws on the unsupported variable %s',
    (variable) => {
      expect(() => renderTemplate(`{"v":"${variable}"}`, context)).toThrow(
        `Template variable ${variable} is not supported by the local stack`,
      );
    },
  );

  // KNOWN BUG (see report): the values are passed to String.prototype.replaceAll as replacement strings,
  // so `$'`, `$&`, `` $` `` and `$$` in the error message are expanded as replacement patterns.
  // Flip to `it` once renderTemplate substitutes with a replacer function.
  it('inserts a message containing $ replacement patterns literally', () => {
    const errorMessage = "costs $' and $& and $$";
    expect(JSON.parse(renderTemplate('{"m":$context.error.messageString}', { requestId: 'r', errorMessage }))).toEqual({
      m: errorMessage,
    });
  });

  // KNOWN BUG (see report): the substituted message is scanned again for $context variables, so a
  // message that merely mentions one makes rendering throw. Flip to `it` once substitution is single-pass.
  it('does not interpret $context text inside the substituted message', () => {
    const errorMessage = 'bad $context.identity.sourceIp';
    expect(JSON.parse(renderTemplate('{"m":$context.error.messageString}', { requestId: 'r', errorMessage }))).toEqual({
      m: errorMessage,
    });
  });
});

describe('gatewayResponseFor', () => {
  it("detects offline's authorizer 401", () => {
    expect(gatewayResponseFor({ statusCode: 401, body: boom(401, 'Unauthorized', 'Unauthorized') })).toBe('UNAUTHORIZED');
  });

  it("detects offline's authorizer 403", () => {
    expect(gatewayResponseFor({ statusCode: 403, body: boom(403, 'Forbidden', 'User is not authorized to access this resource') })).toBe(
      'ACCESS_DENIED',
    );
  });

  it('detects a Boom payload whatever the order of its keys', () => {
    const body = JSON.stringify({ message: 'Unauthorized', error: 'Unauthorized', statusCode: 401 });
    expect(gatewayResponseFor({ statusCode: 401, body })).toBe('UNAUTHORIZED');
  });

  it('detects offline\'s "route not found" 404', () => {
    expect(gatewayResponseFor({ statusCode: 404, body: offlineRouteNotFound })).toBe('MISSING_AUTHENTICATION_TOKEN');
  });

  it.each([
    ['a function 401 with an OAuth error body', 401, JSON.stringify({ error: 'invalid_token', error_description: 'expired' })],
    ['a function 403 with an OAuth error body', 403, JSON.stringify({ error: 'insufficient_scope', error_description: 'admin' })],
    ['a function 404 JSON body', 404, JSON.stringify({ error: 'not_found', error_description: 'no such tool' })],
    ['a function 404 JSON-RPC error', 404, JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null })],
    ['a Boom-like body with an extra field', 401, JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'x', hint: 'y' })],
    ['a Boom-like body missing a field', 401, JSON.stringify({ statusCode: 401, error: 'Unauthorized' })],
    ['a Boom body whose statusCode differs from the answer', 401, boom(403, 'Forbidden', 'Forbidden')],
    ['a Boom body with a string statusCode', 401, JSON.stringify({ statusCode: '401', error: 'Unauthorized', message: 'x' })],
    ['a Boom 500', 500, boom(500, 'Internal Server Error', 'An internal server error occurred')],
    ['a Boom 400', 400, boom(400, 'Bad Request', 'Invalid request payload JSON format')],
    ['"route not found" with another status', 200, offlineRouteNotFound],
    ['a plain-text 401', 401, 'Unauthorized'],
    ['a plain-text 404', 404, 'route not found'],
    ['an HTML 404', 404, '<html><body>route not found</body></html>'],
    ['an empty body', 401, ''],
    ['a JSON null', 401, 'null'],
    ['a JSON string', 404, '"route not found"'],
    ['a JSON number', 401, '401'],
  ])('leaves %s alone', (_label, statusCode, body) => {
    expect(gatewayResponseFor({ statusCode, body })).toBeUndefined();
  });
});

describe('renderGatewayResponse', () => {
  const responses = gatewayResponsesOf(service);

  it("answers offline's 401 with the UNAUTHORIZED definition", () => {
    const rendered = renderGatewayResponse(responses, 'UNAUTHORIZED', {
      statusCode: 401,
      body: boom(401, 'Unauthorized', 'Unauthorized'),
    });
    expect(rendered?.statusCode).toBe(401);
    expect(rendered?.headers).toEqual({
      'Content-Type': 'application/json',
      'WWW-Authenticate': UNAUTHORIZED_CHALLENGE,
      'Cache-Control': 'no-store',
    });
    const body = JSON.parse(rendered?.body ?? '') as Record<string, string>;
    expect(body.error).toBe('invalid_token');
    expect(body.request_id).toMatch(UUID);
  });

  it('uses the status code of the definition, not the one offline answered with', () => {
    const custom: GatewayResponses = { MISSING_AUTHENTICATION_TOKEN: { statusCode: 410, headers: {}, template: '{}' } };
    expect(renderGatewayResponse(custom, 'MISSING_AUTHENTICATION_TOKEN', { statusCode: 404, body: offlineRouteNotFound })?.statusCode).toBe(
      410,
    );
    const real = renderGatewayResponse(responses, 'MISSING_AUTHENTICATION_TOKEN', { statusCode: 403, body: '{}' });
    expect(real?.statusCode).toBe(404);
  });

  it("keeps offline's status code when the definition has none", () => {
    const rendered = renderGatewayResponse(responses, 'DEFAULT_4XX', { statusCode: 415, body: boom(415, 'Unsupported Media Type', 'Nope') });
    expect(rendered?.statusCode).toBe(415);
  });

  it("puts offline's Boom message into $context.error.messageString", () => {
    const rendered = renderGatewayResponse(responses, 'DEFAULT_4XX', {
      statusCode: 400,
      body: boom(400, 'Bad Request', 'Invalid "payload"'),
    });
    expect(JSON.parse(rendered?.body ?? '')).toMatchObject({ error: 'invalid_request', error_description: 'Invalid "payload"' });
  });

  it('uses an empty message when the answer has none', () => {
    const rendered = renderGatewayResponse(responses, 'DEFAULT_4XX', { statusCode: 400, body: 'not json' });
    expect(JSON.parse(rendered?.body ?? '')).toMatchObject({ error_description: '' });
  });

  it('gives each response its own request id', () => {
    const answer = { statusCode: 401, body: boom(401, 'Unauthorized', 'Unauthorized') };
    const first = JSON.parse(renderGatewayResponse(responses, 'UNAUTHORIZED', answer)?.body ?? '') as { request_id: string };
    const second = JSON.parse(renderGatewayResponse(responses, 'UNAUTHORIZED', answer)?.body ?? '') as { request_id: string };
    expect(first.request_id).not.toBe(second.request_id);
  });

  it("keeps offline's body when the definition has no template", () => {
    const custom: GatewayResponses = { ACCESS_DENIED: { statusCode: 403, headers: { 'X-A': 'b' } } };
    const body = boom(403, 'Forbidden', 'Forbidden');
    expect(renderGatewayResponse(custom, 'ACCESS_DENIED', { statusCode: 403, body })).toEqual({
      statusCode: 403,
      headers: { 'Content-Type': 'application/json', 'X-A': 'b' },
      body,
    });
  });

  it('lets the definition set its own Content-Type', () => {
    const custom: GatewayResponses = { UNAUTHORIZED: { headers: { 'Content-Type': 'application/problem+json' }, template: '{}' } };
    expect(renderGatewayResponse(custom, 'UNAUTHORIZED', { statusCode: 401, body: '' })?.headers['Content-Type']).toBe(
      'application/problem+json',
    );
  });

  it('returns undefined when there is no definition for the type', () => {
    expect(renderGatewayResponse(responses, 'DEFAULT_5XX', { statusCode: 500, body: '{}' })).toBeUndefined();
    expect(renderGatewayResponse({}, 'UNAUTHORIZED', { statusCode: 401, body: '{}' })).toBeUndefined();
  });
});
