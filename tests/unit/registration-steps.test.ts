import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type DcrEndpoint, answerDcrRequest } from '../../dcr/http/context.js';
import { MANAGE_STEPS } from '../../dcr/manage/index.js';
import { REGISTER_STEPS } from '../../dcr/register/index.js';
import { registrationCorsPolicy } from '../../lib/http/cors.js';

/**
 * The registration endpoints' step lists and the runner that answers them (dcr/http/context.ts),
 * with dependencies that refuse to be called: what is answered before any of them is reached.
 */
const ALLOWED = 'https://app.example.com';
const untouched = new Proxy({}, { get: (_target, name) => () => Promise.reject(new Error(`${String(name)} must not be called`)) });
const logged: string[] = [];
const endpoint: DcrEndpoint = {
  cors: registrationCorsPolicy([ALLOWED]),
  policy: { resourceServerId: 'https://mcp.example.com/mcp', allowedScopes: ['https://mcp.example.com/mcp/read'] },
  metadataPolicy: {},
  maxBodyBytes: 16_384,
  initialAccessTokenSha256: 'ab'.repeat(32),
  dependencies: { appClients: untouched as never, registry: untouched as never },
  logger: { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) } as unknown as Logger,
};
const event = (method: string, resource: string, headers: Record<string, string> = {}) =>
  ({ httpMethod: method, resource, headers, body: null, isBase64Encoded: false, pathParameters: { client_id: 'abc' } }) as unknown as APIGatewayProxyEvent;

describe('the registration endpoints, step by step', () => {
  it('list their steps in this order', () => {
    expect(REGISTER_STEPS.map((step) => step.name)).toEqual([
      'checkRequestOrigin', 'answerPreflight', 'checkInitialAccessToken', 'readClientMetadata', 'answerRegistration',
    ]);
    expect(MANAGE_STEPS.map((step) => step.name)).toEqual([
      'checkRequestOrigin', 'answerPreflight', 'checkRegistrationAccessToken', 'answerRead', 'answerUpdate', 'answerDelete', 'refuseOtherMethod',
    ]);
  });

  it('refuse another origin with 403 and no CORS headers, before anything else', async () => {
    for (const steps of [REGISTER_STEPS, MANAGE_STEPS]) {
      const answer = await answerDcrRequest(steps, event('POST', '/register', { Origin: 'https://evil.example' }), endpoint);
      expect(answer.statusCode).toBe(403);
      expect(answer.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    }
  });

  it('answer an allowed origin\'s preflight, and carry its CORS headers on a refusal', async () => {
    const preflight = await answerDcrRequest(REGISTER_STEPS, event('OPTIONS', '/register', { Origin: ALLOWED }), endpoint);
    expect(preflight).toMatchObject({ statusCode: 204, headers: { 'Access-Control-Allow-Origin': ALLOWED, 'Cache-Control': 'no-store' } });
    const refused = await answerDcrRequest(REGISTER_STEPS, event('POST', '/register', { Origin: ALLOWED }), endpoint);
    expect(refused).toMatchObject({ statusCode: 401, headers: { 'Access-Control-Allow-Origin': ALLOWED, 'WWW-Authenticate': 'Bearer' } });
    const managed = await answerDcrRequest(MANAGE_STEPS, event('GET', '/register/{client_id}', { Origin: ALLOWED }), endpoint);
    expect(managed).toMatchObject({ statusCode: 401, headers: { 'Access-Control-Allow-Origin': ALLOWED } });
  });
});
