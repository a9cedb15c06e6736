import { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * stream-handler.ts as Lambda runs it: `awslambda.streamifyResponse` and
 * `HttpResponseStream.from` are the runtime's (not available here), so this stands in for them
 * with what they do: hand the handler a writable stream, and write the status and headers (the
 * prelude) before the body. Requests that need no DynamoDB (origin refusal, preflight) show the
 * prelude and body arrive as middy writes them. Streaming through API Gateway is checked against
 * its template (deployed-template.test.ts); the local stack runs this handler with the runtime's
 * real stream contract (mcp-local-streaming.test.ts, offline-response-streaming.test.ts).
 */
const preludes: Array<{ statusCode: number; headers: Record<string, string> }> = [];
const ENVIRONMENT = {
  PUBLIC_BASE_URL: 'https://mcp.example.com',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
  USER_POOL_ID: 'us-east-1_Test',
  AWS_REGION: 'us-east-1',
  ALLOWED_ORIGINS: 'https://app.example.com',
  CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/tool',
  MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state',
};
const saved = Object.fromEntries(Object.keys(ENVIRONMENT).map((name) => [name, process.env[name]]));
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete (globalThis as Record<string, unknown>).awslambda;
});
beforeAll(() => {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: (handler: unknown) => handler,
    HttpResponseStream: {
      from(stream: Writable, prelude: { statusCode: number; headers: Record<string, string> }) {
        preludes.push(prelude);
        return stream;
      },
    },
  };
  Object.assign(process.env, ENVIRONMENT);
});

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const event = (overrides: Partial<APIGatewayProxyEvent>) =>
  ({
    httpMethod: 'POST',
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    isBase64Encoded: false,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    requestContext: { requestId: 'stream-1', identity: { sourceIp: '192.0.2.1' } },
    ...overrides,
  }) as unknown as APIGatewayProxyEvent;

describe('the streaming MCP handler', () => {
  it('writes the prelude, then the body, for answers the endpoint gives before any store is read', async () => {
    const { handler } = await import('../../functions/mcp/stream-handler.js');
    const invoke = handler as unknown as (event: APIGatewayProxyEvent, stream: Writable, context: object) => Promise<void>;

    const refused = collector();
    await invoke(event({ headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' } }), refused.stream, { functionName: 'mcp' });
    expect(preludes.at(-1)).toMatchObject({ statusCode: 403, headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(refused.text())).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/origin/) } });

    const preflight = collector();
    await invoke(event({ httpMethod: 'OPTIONS', body: null, headers: { Origin: 'https://app.example.com' } }), preflight.stream, { functionName: 'mcp' });
    expect(preludes.at(-1)).toMatchObject({ statusCode: 204, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });
    expect(preflight.text()).toBe('');
  });
});
