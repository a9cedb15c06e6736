/**
 * One cold start in a fresh Node process, as a Lambda container has it:
 * `node bench/cold-start-process.mjs <bundle> [event JSON]` imports the bundle and prints the
 * wall and CPU ms of its module load; given an event, it then calls the bundle's handler with it
 * once and prints the wall and CPU ms of that first request too. Plain JavaScript, so that no
 * loader stands between Node and the bundle. bench/measure.ts (coldLoad, coldStart) starts it.
 *
 * Before the clock starts: the `awslambda` global, which the Lambda Node.js runtime defines before
 * it loads a handler (a streaming handler, functions/mcp/stream-handler.ts, calls
 * awslambda.streamifyResponse at import), as a do-nothing stand-in; the built-ins the runtime
 * interface client requires at its own start (aws-lambda-ric 4.0.2, dist index.mjs), so that a
 * bundle is not charged for built-ins a Lambda function gets already loaded; and, for a request,
 * a DynamoDB stand-in on loopback (AWS_ENDPOINT_URL_DYNAMODB) that answers the rate limit's
 * UpdateItem as DynamoDB would, so the first request makes its real round trip, over HTTP,
 * without AWS, and, given BENCH_COGNITO_JWKS, Cognito's JWKS on loopback (serveCognitoJwks). Their
 * answering is a little of the first request's CPU time. The process exits right
 * after, so work the module merely starts (a JWKS download, say) is not waited for.
 */
import { createServer } from 'node:http';
import { Writable } from 'node:stream';

const [file, eventJson] = process.argv.slice(2);
// A streamified handler is marked, as the runtime marks it, so that it is called with a response stream.
const STREAMING = Symbol('streaming');
globalThis.awslambda ??= {
  streamifyResponse: (handler) => Object.assign(handler, { [STREAMING]: true }),
  HttpResponseStream: { from: (stream, metadata) => Object.assign(stream, { metadata }) },
};
for (const name of ['fs', 'net', 'http', 'os', 'util', 'path', 'worker_threads']) await import(`node:${name}`);

const event = eventJson === undefined ? undefined : JSON.parse(eventJson);
if (event !== undefined) {
  const dynamoDb = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target']).split('.').pop();
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(dynamoDbAnswer(operation, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'))));
    });
  });
  await new Promise((resolve) => dynamoDb.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${dynamoDb.address().port}`;
  if (process.env.BENCH_COGNITO_JWKS !== undefined) await serveCognitoJwks(process.env.BENCH_COGNITO_JWKS);
}

/**
 * DynamoDB's answers for a store with one active dynamic client and nothing revoked: a counter's
 * UpdateItem (the rate limit), a BatchGetItem of revocations and a client (the authorizer), a
 * GetItem that finds nothing.
 */
function dynamoDbAnswer(operation, input) {
  if (operation === 'BatchGetItem') {
    const responses = {};
    for (const [table, { Keys }] of Object.entries(input.RequestItems ?? {})) {
      responses[table] = Keys.filter((key) => key.clientId).map((key) => ({
        clientId: key.clientId,
        status: { S: 'active' },
        source: { S: 'dcr' },
        lastUsedAt: { N: String(Math.floor(Date.now() / 1000)) },
      }));
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }
  if (operation === 'UpdateItem') return { Attributes: { count: { N: '1' } } };
  return {};
}

/**
 * Cognito's JWKS endpoint, on loopback: node:https requests to cognito-idp.* are sent over plain
 * HTTP to a server answering `jwks`. Loaded before the clock (the runtime does not preload
 * node:https; an authorizer's module load then does not pay for it) and without TLS, so the first
 * request's figures leave out the TLS part of the JWKS download, for the authorizer and its floor alike.
 */
async function serveCognitoJwks(jwks) {
  const https = await import('node:https');
  const http = await import('node:http');
  const { syncBuiltinESMExports } = await import('node:module');
  const server = createServer((request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const httpsRequest = https.default.request;
  https.default.request = (url, options, callback) => {
    const target = new URL(String(url));
    if (!target.hostname.startsWith('cognito-idp.')) return httpsRequest(url, options, callback);
    const [requestOptions, done] = typeof options === 'function' ? [{}, options] : [options ?? {}, callback];
    return http.default.request(`http://127.0.0.1:${server.address().port}${target.pathname}`, { ...requestOptions, agent: undefined }, done);
  };
  syncBuiltinESMExports();
}
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'mcp',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'mcp'}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
  awsRequestId: 'cold-start',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? '/aws/lambda/mcp',
  logStreamName: 'cold-start',
  getRemainingTimeInMillis: () => 30_000,
  callbackWaitsForEmptyEventLoop: false,
};

/** Calls a streamified handler as the runtime does, with a response stream, and returns what it streamed as a buffered answer. */
async function streamedAnswer(streaming, event, context) {
  const chunks = [];
  const stream = new Writable({ write: (chunk, encoding, done) => (chunks.push(Buffer.from(chunk)), done()) });
  const finished = new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  await streaming(event, stream, context);
  await finished;
  return { statusCode: stream.metadata?.statusCode, body: Buffer.concat(chunks).toString('utf8') };
}

const ms = (usage) => (usage.user + usage.system) / 1000;
const cpu = process.cpuUsage();
const started = performance.now();
const { handler } = await import(file);
const loaded = performance.now();
const loadCpu = process.cpuUsage(cpu);
if (event === undefined) {
  console.log([loaded - started, ms(loadCpu)].join(' '));
  process.exit(0);
}
const answer = handler[STREAMING] ? await streamedAnswer(handler, event, context) : await handler(event, context);
const answered = performance.now();
const callCpu = process.cpuUsage(cpu);
// An authorizer answers a policy; an API handler an HTTP answer.
const accepted = event.type === 'REQUEST' ? answer?.policyDocument?.Statement?.[0]?.Effect === 'Allow' : answer.statusCode === 200 && !answer.body.includes('"isError":true');
if (!accepted) throw new Error(`the first request was answered: ${JSON.stringify(answer).slice(0, 300)}`);
console.log([loaded - started, ms(loadCpu), answered - loaded, ms(callCpu) - ms(loadCpu)].join(' '));
process.exit(0);
