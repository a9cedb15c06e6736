import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Handler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { DCR_CLIENT_NAME_PREFIX } from '../../dcr/app-client-request.js';
import { getSecretValue } from '../../lib/aws/secrets-manager.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { SESSION_COOKIE, formToken, newSession } from '../../oauth/apps/session.js';
import { deriveKeys } from '../../oauth/keys.js';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { offlineEnvironment } from '../../local/offline.js';
import { evaluate, resolveService } from '../../local/service-definition.js';
import { settingsFromEnv } from '../../local/settings.js';
import { type DemoSession, signInDemoUser } from '../support/demo-login.js';
import { type DynamoDbWatchProxy, startDynamoDbWatchProxy } from '../support/dynamodb-watch-proxy.js';
import { lambdaContext, proxyEvent } from '../support/lambda-invocation.js';
import { scopeOf } from '../support/mcp-calls.js';
import { localJsonCognito } from '../support/json-adapters.js';
import { copyTableDefinition } from '../support/scratch-tables.js';

/**
 * Lambda freezes the execution environment as soon as a handler's promise settles: a DynamoDB
 * request still in flight then may never be sent, or fails on thaw. This test runs every function
 * of serverless.yml in process, with the environment serverless.yml gives it, against the stack's
 * DynamoDB Local through a proxy that holds each answer for HOLD_MS, and checks that when the
 * handler settles no DynamoDB request it started is in flight, nor starts within GRACE_MS after.
 */
const HOLD_MS = 40;
const GRACE_MS = 300;
const STACK_CLIENTS_TABLE = 'secure-mcp-local-clients';
/** The clean-up scans its whole table: it gets one of its own, so it cannot race other test files. */
const CLEANUP_CLIENTS_TABLE = 'handler-lifecycle-clients';

/** Every function of serverless.yml and its handler module: a new function without a case fails. */
const HANDLER_MODULES: Record<string, string> = {
  authorizer: '../../authorizer/handler.js',
  mcp: '../../functions/mcp/handler.js',
  dcr: '../../dcr/handler.js',
  revoke: '../../oauth/revoke-handler.js',
  dcrCleanup: '../../dcr/cleanup-handler.js',
  metadata: '../../oauth/metadata-handler.js',
  oauthAuthorize: '../../oauth/authorize-handler.js',
  oauthToken: '../../oauth/token-handler.js',
  oauthApps: '../../oauth/apps-handler.js',
  health: '../../functions/health/handler.js',
  preTokenGeneration: '../../functions/pre-token/handler.js',
};

interface Invocation {
  value?: any;
  error?: unknown;
  /** Every DynamoDB operation the invocation sent. */
  operations: string[];
  /** Operations that had reached DynamoDB and were unanswered when the handler settled. */
  inFlightAtReturn: string[];
  /** Operations that reached DynamoDB only after the handler had settled. */
  arrivedAfterReturn: string[];
}

describe('no handler returns while a DynamoDB request it started is pending', () => {
  const stack = inject('stack');
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const handlers: Record<string, Handler> = {};
  let proxy: DynamoDbWatchProxy;
  let admin: DemoSession;
  let dynamic: DemoSession;

  const invoke = async (name: string, event: unknown): Promise<Invocation> => {
    proxy.reset();
    const outcome = await (handlers[name]!(event, lambdaContext(name), () => undefined) as Promise<unknown>).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // Nothing but microtasks ran since the handler settled: this is the state at that moment.
    const inFlightAtReturn = proxy.inFlight().map((request) => request.operation);
    const seen = proxy.requests.length;
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    const requests = proxy.requests;
    return {
      ...outcome,
      operations: requests.map((request) => request.operation),
      inFlightAtReturn,
      arrivedAfterReturn: requests.slice(seen).map((request) => request.operation),
    };
  };
  const expectNothingPending = (invocation: Invocation) =>
    expect({ inFlightAtReturn: invocation.inFlightAtReturn, arrivedAfterReturn: invocation.arrivedAfterReturn }).toEqual({
      inFlightAtReturn: [],
      arrivedAfterReturn: [],
    });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const authorizerEvent = (token: string) => ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/local/POST/mcp',
    resource: '/mcp',
    path: '/mcp',
    httpMethod: 'POST',
    headers: bearer(token),
    requestContext: { requestId: 'lifecycle', identity: { sourceIp: '127.0.0.1' } },
  });
  /** The authorizer's Allow, as API Gateway hands it to the integration (requestContext.authorizer). */
  const authorize = async (token: string) => {
    const allowed = await invoke('authorizer', authorizerEvent(token));
    if (!allowed.value) throw new Error(`authorizer refused the test token: ${String(allowed.error)}`);
    return { principalId: allowed.value.principalId, ...allowed.value.context };
  };
  const mcpCall = (authorizer: Record<string, unknown>, tool: string, args: Record<string, unknown>) =>
    proxyEvent({
      method: 'POST',
      resource: '/mcp',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } }),
      authorizer,
    });
  const forgetLastUse = (clientId: string) =>
    documents.send(new UpdateCommand({ TableName: STACK_CLIENTS_TABLE, Key: { clientId }, UpdateExpression: 'REMOVE lastUsedAt' }));

  beforeAll(async () => {
    proxy = await startDynamoDbWatchProxy(stack.dynamoDbEndpoint, { holdMs: HOLD_MS });
    const port = (url: string) => new URL(url).port;
    const settings = settingsFromEnv({
      MCP_LOCAL_PORT: port(stack.baseUrl),
      MCP_LOCAL_COGNITO_PORT: port(stack.cognitoEndpoint),
      MCP_LOCAL_DYNAMODB_PORT: port(stack.dynamoDbEndpoint),
      MCP_LOCAL_SECRETS_PORT: port(stack.secretsManagerEndpoint),
      MCP_LOCAL_DATA_DIR: stack.dataDir,
    });
    const local = offlineEnvironment(settings);
    const service = await resolveService(local);
    const functions = service.functionEnvironments ?? {};
    expect(Object.keys(functions).sort()).toEqual(Object.keys(HANDLER_MODULES).sort());
    [admin, dynamic] = await Promise.all([
      signInDemoUser(stack, { clientId: stack.operatorClientId, scope: `${scopeOf(stack, 'read')} ${scopeOf(stack, 'write')}` }),
      signInDemoUser(stack),
    ]);
    await copyTableDefinition(dynamodb, STACK_CLIENTS_TABLE, CLEANUP_CLIENTS_TABLE);

    // What serverless-offline gives every function (provider.environment and its own), with
    // DynamoDB behind the watching proxy. The functions read their configuration at import.
    const common = {
      ...local,
      IS_OFFLINE: 'true',
      POWERTOOLS_SERVICE_NAME: 'secure-mcp',
      POWERTOOLS_METRICS_NAMESPACE: 'SecureMcp',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // EMF lines on stdout only: publishing is synchronous, nothing to wait for.
      POWERTOOLS_METRICS_DISABLED: 'true',
      PUBLIC_BASE_URL: stack.baseUrl,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    };
    for (const [name, module] of Object.entries(HANDLER_MODULES)) {
      const own = Object.fromEntries(Object.entries(functions[name] ?? {}).map(([key, value]) => [key, evaluate(value)]));
      if (name === 'dcrCleanup') own.CLIENTS_TABLE = CLEANUP_CLIENTS_TABLE;
      const saved = { ...process.env };
      Object.assign(process.env, common, own);
      try {
        handlers[name] = ((await import(module)) as { handler: Handler }).handler;
      } finally {
        // The AWS SDK reads credentials and endpoints lazily: keep the shared ones, drop the function's own.
        for (const key of Object.keys(own)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, common);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    dynamodb.destroy();
    cognito.destroy();
  });

  it('authorizer: an Allow that refreshes the client\'s lastUsedAt', async () => {
    // A client of this file's own (no other test's request can refresh it meanwhile).
    await forgetLastUse(dynamic.clientId);
    const allowed = await invoke('authorizer', authorizerEvent(dynamic.accessToken));
    expect(allowed.value?.policyDocument?.Statement?.[0]?.Effect).toBe('Allow');
    expect(allowed.operations).toEqual(['BatchGetItem', 'UpdateItem']);
    expectNothingPending(allowed);
  });

  it('authorizer: denials (no token, a forged signature)', async () => {
    const missing = await invoke('authorizer', { ...authorizerEvent(''), headers: {} });
    expect(String(missing.error)).toContain('Unauthorized');
    expectNothingPending(missing);
    const forged = await invoke('authorizer', authorizerEvent(`${admin.accessToken.slice(0, -6)}AAAAAA`));
    expect(String(forged.error)).toContain('Unauthorized');
    expectNothingPending(forged);
  });

  it('mcp: tool calls that write (notes, a user revocation), with the rate limit and the audit', async () => {
    const authorizer = await authorize(admin.accessToken);
    const put = await invoke('mcp', mcpCall(authorizer, 'notes_put', { title: 'lifecycle', body: 'x' }));
    expect(put.value?.statusCode).toBe(200);
    expect(put.operations.length).toBeGreaterThanOrEqual(2);
    expectNothingPending(put);
    const revoke = await invoke('mcp', mcpCall(authorizer, 'users_revoke_tokens', { sub: '00000000-0000-4000-8000-00000000000a' }));
    expect(revoke.value?.statusCode).toBe(200);
    expect(revoke.operations).toContain('PutItem');
    expectNothingPending(revoke);
  });

  it('dcr: register, read, update and delete a client', async () => {
    const register = await invoke(
      'dcr',
      proxyEvent({
        method: 'POST',
        resource: '/register',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'lifecycle', redirect_uris: ['http://localhost:43100/cb'] }),
      }),
    );
    expect(register.value?.statusCode).toBe(201);
    expectNothingPending(register);
    const { client_id: clientId, registration_access_token: token } = JSON.parse(register.value.body) as Record<string, string>;
    const manage = (method: string, body?: unknown) =>
      proxyEvent({
        method,
        resource: '/register/{client_id}',
        path: `/register/${clientId}`,
        pathParameters: { client_id: clientId! },
        headers: { ...bearer(token!), ...(body ? { 'Content-Type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    for (const [method, body, status] of [
      ['GET', undefined, 200],
      ['PUT', { client_id: clientId, redirect_uris: ['http://localhost:43101/cb'] }, 200],
      ['DELETE', undefined, 204],
    ] as const) {
      const answer = await invoke('dcr', manage(method, body));
      expect(answer.value?.statusCode, `${method} ${answer.value?.body}`).toBe(status);
      expect(answer.operations.length).toBeGreaterThan(0);
      expectNothingPending(answer);
    }
  });

  it('revoke: an access token (recorded by jti) and a refresh token (Cognito)', async () => {
    const form = (fields: Record<string, string>) =>
      proxyEvent({
        method: 'POST',
        resource: '/revoke',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const access = await invoke('revoke', form({ token: dynamic.accessToken, client_id: dynamic.clientId }));
    expect(access.value?.statusCode).toBe(200);
    expect(access.operations).toContain('PutItem');
    expectNothingPending(access);
    const refresh = await invoke('revoke', form({ token: dynamic.refreshToken, client_id: dynamic.clientId, token_type_hint: 'refresh_token' }));
    expect(refresh.value?.statusCode).toBe(200);
    expectNothingPending(refresh);
  });

  it('dcrCleanup: deletes an idle dynamic client and finishes an interrupted deletion', async () => {
    const appClients = cognitoAppClients(stack.userPoolId, { callbackUrl: `${stack.baseUrl}/oauth/callback`, identityProviders: ['COGNITO'], accessTokenMinutes: 60, refreshTokenDays: 30, refreshTokenRotation: false, rotationGraceSeconds: 0 }, localJsonCognito(stack.cognitoEndpoint));
    const request = { scopes: [], grantTypes: ['authorization_code' as const], confidential: false };
    const idle = await appClients.createClient({ ...request, name: `${DCR_CLIENT_NAME_PREFIX}lifecycle idle` });
    const interrupted = await appClients.createClient({ ...request, name: `${DCR_CLIENT_NAME_PREFIX}lifecycle interrupted` });
    const longAgo = Math.floor(Date.now() / 1000) - 400 * 86_400;
    const row = (clientId: string, extra: Record<string, unknown>) => ({
      clientId,
      source: 'dcr',
      clientName: 'lifecycle',
      redirectUris: ['http://localhost:43102/cb'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: '',
      registrationTokenHash: '0'.repeat(64),
      createdAt: longAgo,
      ...extra,
    });
    await documents.send(new PutCommand({ TableName: CLEANUP_CLIENTS_TABLE, Item: row(idle.clientId, { status: 'active' }) }));
    await documents.send(new PutCommand({ TableName: CLEANUP_CLIENTS_TABLE, Item: row(interrupted.clientId, { status: 'deleted', deletedAt: longAgo }) }));
    const cleanup = await invoke('dcrCleanup', { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
    expect(cleanup.value).toMatchObject({ unusedDeleted: 1, deletionsFinished: 1, failed: [] });
    expect(cleanup.operations).toEqual(expect.arrayContaining(['Scan', 'UpdateItem', 'DeleteItem']));
    expectNothingPending(cleanup);
  }, 60_000);

  it('oauthAuthorize: /authorize reads the client once and returns with nothing pending', async () => {
    const event = {
      ...proxyEvent({ method: 'GET', resource: '/authorize' }),
      multiValueQueryStringParameters: {
        response_type: ['code'], client_id: [dynamic.clientId], redirect_uri: ['http://localhost:53682/callback'],
        code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], code_challenge_method: ['S256'], state: ['s'],
      },
    };
    const authorize = await invoke('oauthAuthorize', event);
    expect(authorize.value?.statusCode).toBe(200);
    expect(authorize.operations).toEqual(['GetItem']);
    expectNothingPending(authorize);
  });

  it('oauthToken: an unknown code is one consistent GetItem (nothing is spent before every check passed), with nothing pending', async () => {
    const token = await invoke('oauthToken', proxyEvent({
      method: 'POST',
      resource: '/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: 'http://localhost:53682/callback', code_verifier: 'v'.repeat(43), client_id: dynamic.clientId }).toString(),
    }));
    expect(token.value?.statusCode).toBe(400);
    expect(token.operations).toEqual(['GetItem']);
    expectNothingPending(token);
  });

  it('oauthToken: a refresh is the client’s GetItem and one TransactWriteItems (the revocation check and the grant), with nothing pending', async () => {
    // A session of its own: the revoke case above revoked the dynamic client's refresh token.
    const fresh = await signInDemoUser(stack);
    const token = await invoke('oauthToken', proxyEvent({
      method: 'POST',
      resource: '/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: fresh.refreshToken, client_id: fresh.clientId }).toString(),
    }));
    expect(token.value?.statusCode).toBe(200);
    expect(token.operations).toEqual(['GetItem', 'TransactWriteItems']);
    expectNothingPending(token);
  });

  it('oauthApps: the list is one Query and one GetItem per application; a revocation one TransactWriteItems; no session, none', async () => {
    const keys = deriveKeys(await getSecretValue({ secretId: 'secure-mcp-local-oauth-key' }));
    const now = Math.floor(Date.now() / 1000);
    const { cookie, session } = newSession(keys['apps-session'], { sub: stack.demoUser.sub }, now);
    const headers = { Cookie: cookie.split(';')[0]!, Origin: new URL(stack.baseUrl).origin, 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(headers.Cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);

    const signIn = await invoke('oauthApps', proxyEvent({ method: 'GET', resource: '/apps' }));
    expect(signIn.value?.statusCode).toBe(302);
    expect(signIn.operations).toEqual([]);

    const listed = await invoke('oauthApps', proxyEvent({ method: 'GET', resource: '/apps', headers }));
    expect(listed.value?.statusCode).toBe(200);
    expect(listed.operations[0]).toBe('Query');
    expect(listed.operations.length).toBeGreaterThan(1);
    expect(new Set(listed.operations.slice(1))).toEqual(new Set(['GetItem']));
    expectNothingPending(listed);

    const grant = (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-grants', Key: { sub: stack.demoUser.sub, clientId: dynamic.clientId } }))).Item!;
    const token = formToken(keys['apps-form'], session, dynamic.clientId, grant.firstSignedInAt as number);
    const revoked = await invoke('oauthApps', proxyEvent({
      method: 'POST',
      resource: '/apps/revoke',
      headers,
      body: new URLSearchParams({ client_id: dynamic.clientId, token }).toString(),
    }));
    expect(revoked.value?.statusCode).toBe(302);
    expect(revoked.operations).toEqual(['TransactWriteItems']);
    expectNothingPending(revoked);
  });

  it('metadata, health and the pre-token-generation trigger: no DynamoDB at all', async () => {
    const metadata = await invoke('metadata', proxyEvent({ method: 'GET', resource: '/.well-known/oauth-protected-resource/mcp' }));
    expect(metadata.value?.statusCode).toBe(200);
    const health = await invoke('health', proxyEvent({ method: 'GET', resource: '/health' }));
    expect(health.value?.statusCode).toBe(200);
    const trigger = await invoke('preTokenGeneration', {
      version: '2',
      triggerSource: 'TokenGeneration_HostedAuth',
      request: { userAttributes: { sub: 'x' }, groupConfiguration: { groupsToOverride: [] } },
      response: { claimsAndScopeOverrideDetails: {} },
    });
    expect(trigger.value?.triggerSource).toBe('TokenGeneration_HostedAuth');
    for (const invocation of [metadata, health, trigger]) {
      expect(invocation.operations).toEqual([]);
      expectNothingPending(invocation);
    }
  });
});
