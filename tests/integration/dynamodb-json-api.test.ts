import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoDbAuthorizationStore } from '../../authorizer/dynamodb-store.js';
import { DynamoDbError, dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';
import { cancellationReasons } from '../../lib/dynamodb/documents.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { localJsonDocuments } from '../support/json-adapters.js';
import { recordingDynamoDbJsonApi } from '../support/dynamodb-json-api.js';
import { NodeSha256 } from '../support/node-sha256.js';

/**
 * The authorizer's DynamoDB adapter (DynamoDB's JSON API over fetch, SigV4 by lib/aws/sigv4.ts) against
 * DynamoDB Local, cross-checked with the AWS SDK. Throttling, 5xx answers and UnprocessedKeys cannot
 * be produced by DynamoDB Local: for those only, a small HTTP server answers what DynamoDB answers.
 */
describe('DynamoDB JSON API adapter (against DynamoDB Local)', () => {
  const stack = inject('stack');
  const sdk = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = DynamoDBDocumentClient.from(sdk);
  const run = crypto.randomUUID().slice(0, 8);
  const table = `json-api-test-${run}`;
  const otherTable = `json-api-test-other-${run}`;

  beforeAll(async () => {
    for (const name of [table, otherTable]) {
      await sdk.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  });

  afterAll(async () => {
    for (const name of [table, otherTable]) await sdk.send(new DeleteTableCommand({ TableName: name }));
    sdk.destroy();
  });

  it('writes and reads items the AWS SDK reads and writes', async () => {
    const { api, requests } = recordingDynamoDbJsonApi(stack.dynamoDbEndpoint);
    const written = { id: 'by-adapter', count: 3, tags: ['a', 'b'], nested: { ok: true } };
    await api('PutItem', { TableName: table, Item: marshall(written) });
    expect((await documents.send(new GetCommand({ TableName: table, Key: { id: 'by-adapter' } }))).Item).toEqual(written);

    await documents.send(new PutCommand({ TableName: table, Item: { id: 'by-sdk', count: 7 } }));
    const read = await api<{ Item?: Record<string, never> }>('GetItem', { TableName: table, Key: marshall({ id: 'by-sdk' }) });
    expect(unmarshall(read.Item!)).toEqual({ id: 'by-sdk', count: 7 });
    expect(await api('GetItem', { TableName: table, Key: marshall({ id: 'absent' }) })).toEqual({});
    expect(requests.map((request) => request.operation)).toEqual(['PutItem', 'GetItem', 'GetItem']);
  });

  it('document form: a transaction applies all or nothing, and a cancelled one names its reasons per action', async () => {
    const docs = localJsonDocuments(stack.dynamoDbEndpoint);
    const put = (id: string) => ({ Put: { TableName: table, Item: { id, n: 1 }, ConditionExpression: 'attribute_not_exists(id)' } });
    await docs.transact({ TransactItems: [put('tx-a'), put('tx-b')] });
    expect((await docs.get({ TableName: table, Key: { id: 'tx-b' }, ConsistentRead: true })).Item).toEqual({ id: 'tx-b', n: 1 });
    const error = await docs.transact({ TransactItems: [put('tx-c'), put('tx-a')] }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(cancellationReasons(error)).toEqual(['None', 'ConditionalCheckFailed']);
    expect((await docs.get({ TableName: table, Key: { id: 'tx-c' } })).Item).toBeUndefined();
    // Scan's Select COUNT, as the registry's countActiveAppClients uses it.
    expect((await docs.scan({ TableName: table, Select: 'COUNT', FilterExpression: 'n = :one', ExpressionAttributeValues: { ':one': 1 } })).Count).toBe(2);
  });

  it('reads two tables in one BatchGetItem request', async () => {
    await documents.send(new PutCommand({ TableName: otherTable, Item: { id: 'other', value: 'x' } }));
    await documents.send(new PutCommand({ TableName: table, Item: { id: 'batch', value: 'y' } }));
    const { api, requests } = recordingDynamoDbJsonApi(stack.dynamoDbEndpoint);
    const result = await api<{ Responses: Record<string, Array<Record<string, never>>> }>('BatchGetItem', {
      RequestItems: {
        [table]: { Keys: [marshall({ id: 'batch' }), marshall({ id: 'missing' })] },
        [otherTable]: { Keys: [marshall({ id: 'other' })] },
      },
    });
    expect(result.Responses[table]!.map((row) => unmarshall(row))).toEqual([{ id: 'batch', value: 'y' }]);
    expect(result.Responses[otherTable]!.map((row) => unmarshall(row))).toEqual([{ id: 'other', value: 'x' }]);
    expect(requests).toHaveLength(1);
  });

  it('applies a conditional update once and maps the second to ConditionalCheckFailedException, not retried', async () => {
    await documents.send(new PutCommand({ TableName: table, Item: { id: 'conditional' } }));
    const { api, requests } = recordingDynamoDbJsonApi(stack.dynamoDbEndpoint);
    const update = () =>
      api('UpdateItem', {
        TableName: table,
        Key: marshall({ id: 'conditional' }),
        UpdateExpression: 'SET touched = :now',
        ConditionExpression: 'attribute_not_exists(touched)',
        ExpressionAttributeValues: marshall({ ':now': 1 }),
      });
    await update();
    const failure = await update().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DynamoDbError);
    expect(failure).toMatchObject({ name: 'ConditionalCheckFailedException', statusCode: 400, retryable: false });
    expect(requests).toHaveLength(2);
    expect((await documents.send(new GetCommand({ TableName: table, Key: { id: 'conditional' } }))).Item).toEqual({ id: 'conditional', touched: 1 });
  });

  it('maps a missing table to ResourceNotFoundException and a bad expression to ValidationException', async () => {
    const { api } = recordingDynamoDbJsonApi(stack.dynamoDbEndpoint);
    await expect(api('GetItem', { TableName: `no-such-table-${run}`, Key: marshall({ id: 'x' }) })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      statusCode: 400,
      message: expect.stringMatching(/^DynamoDB GetItem failed with ResourceNotFoundException \(HTTP 400\)/),
    });
    await expect(api('UpdateItem', { TableName: table, Key: marshall({ id: 'x' }), UpdateExpression: 'SET = oops' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('signs every request with SigV4, byte for byte as the AWS SDK signer does', async () => {
    const { api, requests } = recordingDynamoDbJsonApi(stack.dynamoDbEndpoint, { sessionToken: 'session-token-value' });
    await api('GetItem', { TableName: table, Key: marshall({ id: 'x' }) });
    const [request] = requests;
    const authorization = request!.headers.get('authorization')!;
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(request!.headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request!.headers.get('x-amz-security-token')).toBe('session-token-value');

    // DynamoDB Local does not verify signatures: the AWS SDK's own signer, given the same request,
    // time and signed headers (ours leaves content-type unsigned, as SigV4 allows), must
    // produce the same signature, so real DynamoDB accepts ours.
    const endpoint = new URL(stack.dynamoDbEndpoint);
    const date = request!.headers.get('x-amz-date')!;
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'session-token-value' },
      region: 'us-east-1',
      service: 'dynamodb',
      sha256: NodeSha256,
      // DynamoDB does not require x-amz-content-sha256, and our signer does not send it.
      applyChecksum: false,
    });
    const expected = await signer.sign(
      {
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: Number(endpoint.port),
        path: '/',
        query: {},
        headers: {
          host: endpoint.host,
          'content-type': request!.headers.get('content-type')!,
          'x-amz-target': request!.headers.get('x-amz-target')!,
        },
        body: request!.body,
      },
      { unsignableHeaders: new Set(['content-type']), signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) },
    );
    const signature = (value: string) => value.match(/Signature=([0-9a-f]{64})/)![1];
    expect(signature(authorization)).toBe(signature(String(expected.headers.authorization)));
  });

  it('fails with ConfigurationError, sending nothing, when the environment has no credentials', async () => {
    const sent: string[] = [];
    const api = dynamoDbJsonApiFromEnvironment(
      { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint },
      { fetch: async (input, init) => (sent.push(String(input)), fetch(input, init)) },
    );
    await expect(api('GetItem', { TableName: table, Key: marshall({ id: 'x' }) })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining('AWS_ACCESS_KEY_ID'),
    });
    expect(sent).toEqual([]);
  });

  it('reads the endpoint and credentials Lambda and the local stack put in the environment', async () => {
    const sent: Array<{ url: string; headers: Headers }> = [];
    const api = dynamoDbJsonApiFromEnvironment(
      { AWS_REGION: 'eu-west-3', AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: 'from-lambda' },
      { fetch: async (input, init) => (sent.push({ url: String(input), headers: new Headers(init?.headers) }), fetch(input, init)) },
    );
    await api('GetItem', { TableName: table, Key: marshall({ id: 'x' }) });
    expect(sent[0]!.url).toBe(`${stack.dynamoDbEndpoint.replace(/\/$/, '')}/`);
    expect(sent[0]!.headers.get('authorization')).toContain('/eu-west-3/dynamodb/aws4_request');
    expect(sent[0]!.headers.get('x-amz-security-token')).toBe('from-lambda');
  });
});

describe('DynamoDB JSON API adapter: timeouts, aborts and network failures', () => {
  let hanging: TcpServer;
  let hangingUrl: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a DynamoDB that hangs.
    hanging = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, 'localhost', resolve));
    hangingUrl = `http://localhost:${(hanging.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('ends a call that gets no answer when the signal times out, with TimeoutError', async () => {
    const { api, requests } = recordingDynamoDbJsonApi(hangingUrl);
    const started = Date.now();
    await expect(api('GetItem', { TableName: 't', Key: {} }, AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { api, requests } = recordingDynamoDbJsonApi(hangingUrl);
    const controller = new AbortController();
    controller.abort();
    await expect(api('GetItem', { TableName: 't', Key: {} }, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(0);
  });

  it('retries a refused connection once, then fails with NetworkError', async () => {
    const { api, requests } = recordingDynamoDbJsonApi('http://localhost:1');
    await expect(api('GetItem', { TableName: 't', Key: {} })).rejects.toMatchObject({ name: 'NetworkError', retryable: true });
    expect(requests).toHaveLength(2);
  });
});

/** Answers like DynamoDB does, in an order the test sets: for what DynamoDB Local cannot be made to do. */
function scriptedDynamoDb(answers: Array<{ status: number; body: string }>): { url: () => string; server: Server; hits: string[] } {
  const hits: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    hits.push(String(request.headers['x-amz-target']));
    const answer = answers[Math.min(hits.length - 1, answers.length - 1)]!;
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' }).end(answer.body);
  });
  return { server, hits, url: () => `http://localhost:${(server.address() as { port: number }).port}` };
}

describe('DynamoDB JSON API adapter: throttling, server errors and UnprocessedKeys (scripted server, not DynamoDB Local)', () => {
  const throttled = { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'Rate exceeded' }) };
  const servers: Server[] = [];
  const start = async (answers: Array<{ status: number; body: string }>) => {
    const scripted = scriptedDynamoDb(answers);
    servers.push(scripted.server);
    await new Promise<void>((resolve) => scripted.server.listen(0, 'localhost', resolve));
    return scripted;
  };

  afterAll(async () => {
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('retries a throttled call once and returns the second answer', async () => {
    const scripted = await start([throttled, { status: 200, body: JSON.stringify({ Item: marshall({ id: 'x' }) }) }]);
    const { api } = recordingDynamoDbJsonApi(scripted.url());
    expect(await api('GetItem', { TableName: 't', Key: {} })).toEqual({ Item: { id: { S: 'x' } } });
    expect(scripted.hits).toEqual(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.GetItem']);
  });

  it('gives up after two attempts: ProvisionedThroughputExceededException, and a 503 that is not JSON named by its status', async () => {
    const throttledAlways = await start([throttled]);
    await expect(recordingDynamoDbJsonApi(throttledAlways.url()).api('GetItem', { TableName: 't', Key: {} })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
    expect(throttledAlways.hits).toHaveLength(2);
    const unavailable = await start([{ status: 503, body: '<html>Service Unavailable</html>' }]);
    await expect(recordingDynamoDbJsonApi(unavailable.url()).api('GetItem', { TableName: 't', Key: {} })).rejects.toMatchObject({
      name: 'Http503Error',
      statusCode: 503,
    });
    expect(unavailable.hits).toHaveLength(2);
  });

  it('makes the authorizer deny (dependency_failure) when BatchGetItem leaves keys unprocessed', async () => {
    const scripted = await start([
      { status: 200, body: JSON.stringify({ Responses: { clients: [marshall({ clientId: 'c' })], revocations: [] }, UnprocessedKeys: { revocations: { Keys: [marshall({ pk: 'jti#j' })] } } }) },
    ]);
    const store = dynamoDbAuthorizationStore(recordingDynamoDbJsonApi(scripted.url()).api, {
      revocationsTable: 'revocations',
      clientsTable: 'clients',
      apiKeysTable: 'api-keys',
      timeoutMs: 1000,
    });
    await expect(store.tokenRecords(['jti#j', 'user#u'], 'c')).rejects.toMatchObject({ reason: 'dependency_failure' });
    expect(scripted.hits).toEqual(['DynamoDB_20120810.BatchGetItem']);
  });
});
