import { createServer, type Server, type Socket } from 'node:net';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAccessTokenVerifier } from '../../authorizer/access-token.js';
import { decideAccess } from '../../authorizer/decide-access.js';
import { dynamoDbAuthorizationStore } from '../../authorizer/dynamodb-store.js';
import { localJwksFetcher } from '../../authorizer/local-jwks.js';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { recordingDynamoDbJsonApi } from '../support/dynamodb-json-api.js';
import { mintToken } from '../support/tokens.js';

const TABLES = {
  revocationsTable: 'secure-mcp-local-revocations',
  clientsTable: 'secure-mcp-local-clients',
  apiKeysTable: 'secure-mcp-local-api-keys',
};

const context = {
  functionName: 'authorizer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:authorizer',
  memoryLimitInMB: '1024',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 3000,
} as unknown as Context;

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/POST/mcp';
const event = (authorization?: string): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    requestContext: { requestId: 'gateway-request-1', identity: { sourceIp: '203.0.113.9' } },
  }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('authorizer handler (the deployed entry point, in process, against the local stack)', () => {
  const stack = inject('stack');
  let handler: (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;
  let session: DemoSession;
  const output: string[] = [];

  beforeAll(async () => {
    // The environment serverless.yml gives the function in the local stage.
    Object.assign(process.env, {
      USER_POOL_ID: stack.userPoolId,
      MCP_RESOURCE_URL: stack.mcpUrl,
      REVOCATIONS_TABLE: TABLES.revocationsTable,
      CLIENTS_TABLE: TABLES.clientsTable,
      API_KEYS_TABLE: TABLES.apiKeysTable,
      IS_OFFLINE: 'true',
      LOCAL_COGNITO_JWKS_ORIGIN: stack.cognitoEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_SERVICE_NAME: 'secure-mcp',
      POWERTOOLS_METRICS_NAMESPACE: 'secure-mcp',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // Powertools writes logs and EMF metrics to stdout (warnings to stderr), as in Lambda: captured here.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      });
    }
    ({ handler } = (await import('../../authorizer/handler.js')) as unknown as { handler: typeof handler });
    session = await signInDemoUser(stack);
  });

  afterAll(() => vi.restoreAllMocks());

  const lines = () => output.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));

  it('answers Allow for a valid token with a policy over the whole API and the context as strings', async () => {
    const result = await handler(event(`Bearer ${session.accessToken}`), context);
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/*/*' },
    ]);
    expect(result.context).toMatchObject({ auth_method: 'jwt', client_id: session.clientId, principal: stack.demoUser.sub });
    for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
  });

  it.each([
    ['no header', undefined, 'missing_token'],
    ['a Basic header', 'Basic ZGVtbzpwdw==', 'malformed'],
    ['an ID token', 'ID_TOKEN', 'wrong_token_use'],
    ['an expired token', 'EXPIRED', 'expired'],
    ['a token of a stranger key', 'STRANGER', 'bad_signature'],
  ])('throws exactly "Unauthorized" for %s, logs the reason without the token, and counts it', async (_label, header, reason) => {
    let authorization = header;
    if (header === 'ID_TOKEN') authorization = `Bearer ${session.idToken}`;
    if (header === 'EXPIRED') authorization = `Bearer ${await mintToken(stack.userPoolId, { expiresIn: -3600 })}`;
    if (header === 'STRANGER') authorization = `Bearer ${await mintToken(stack.userPoolId, { signWith: 'stranger' })}`;
    output.length = 0;
    await expect(handler(event(authorization), context)).rejects.toThrow(/^Unauthorized$/);
    const logged = lines();
    const denial = logged.find((line) => line.message === 'Denied');
    expect(denial).toMatchObject({ reason, requestId: 'gateway-request-1', sourceIp: '203.0.113.9' });
    const emf = logged.filter((line) => line._aws);
    const byReason = emf.find((line) => line.AuthorizerDenied !== undefined);
    expect(byReason).toMatchObject({ reason, AuthorizerDenied: 1, service: 'secure-mcp' });
    const failures = emf.find((line) => line.AuthenticationFailures !== undefined);
    // A request without any token is how MCP discovery starts: not an authentication failure.
    if (reason === 'missing_token') expect(failures).toBeUndefined();
    else expect(failures).toMatchObject({ AuthenticationFailures: 1, service: 'secure-mcp' });
    expect(output.join('')).not.toContain('No application metrics');
    const token = authorization?.split(' ')[1];
    if (token) for (const part of token.split('.')) expect(output.join('')).not.toContain(part);
  });
});

describe('fail closed: dependencies that fail or hang', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let hangingServer: Server;
  let hangingPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    session = await signInDemoUser(stack);
    // Accepts connections and never answers: a DynamoDB that hangs.
    hangingServer = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hangingServer.listen(0, 'localhost', resolve));
    hangingPort = (hangingServer.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hangingServer.close(() => resolve()));
  });

  const verifierFor = (jwksOrigin: string) =>
    createAccessTokenVerifier(
      { userPoolId: stack.userPoolId, resourceUrl: stack.mcpUrl, clockSkewSeconds: 10, localJwksOrigin: undefined },
      new SimpleJwksCache({ fetcher: localJwksFetcher(jwksOrigin) }),
    );
  const storeAt = (endpoint: string, timeoutMs = 300) =>
    dynamoDbAuthorizationStore(recordingDynamoDbJsonApi(endpoint).api, { ...TABLES, timeoutMs });

  it('denies with dependency_failure when DynamoDB does not answer within the timeout', async () => {
    const started = Date.now();
    const decision = await decideAccess(
      { headers: { Authorization: `Bearer ${session.accessToken}` } },
      { verifyToken: verifierFor(stack.cognitoEndpoint).verify, store: storeAt(`http://localhost:${hangingPort}`) },
    );
    expect(decision).toMatchObject({ effect: 'deny', reason: 'dependency_failure' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('denies with dependency_failure when DynamoDB refuses connections', async () => {
    const decision = await decideAccess(
      { headers: { Authorization: `Bearer ${session.accessToken}` } },
      { verifyToken: verifierFor(stack.cognitoEndpoint).verify, store: storeAt('http://localhost:1') },
    );
    expect(decision).toMatchObject({ effect: 'deny', reason: 'dependency_failure' });
  });

  it('denies with dependency_failure when a table is missing (a misconfigured stack)', async () => {
    const store = dynamoDbAuthorizationStore(recordingDynamoDbJsonApi(stack.dynamoDbEndpoint).api, {
      ...TABLES,
      revocationsTable: 'no-such-table',
      timeoutMs: 2000,
    });
    const decision = await decideAccess(
      { headers: { Authorization: `Bearer ${session.accessToken}` } },
      { verifyToken: verifierFor(stack.cognitoEndpoint).verify, store },
    );
    expect(decision).toMatchObject({ effect: 'deny', reason: 'dependency_failure' });
  });

  it('denies with dependency_failure, and no DynamoDB call, when the JWKS cannot be fetched', async () => {
    const calls: string[] = [];
    const store = storeAt(stack.dynamoDbEndpoint, 2000);
    const recording = { ...store, tokenRecords: (...args: Parameters<typeof store.tokenRecords>) => (calls.push('tokenRecords'), store.tokenRecords(...args)) };
    const decision = await decideAccess(
      { headers: { Authorization: `Bearer ${session.accessToken}` } },
      { verifyToken: verifierFor('http://localhost:1').verify, store: recording },
    );
    expect(decision).toMatchObject({ effect: 'deny', reason: 'dependency_failure' });
    expect(calls).toEqual([]);
  });
});
