/**
 * One cold start in a fresh Node process, as a Lambda container has it: the bundle's module load,
 * then its first request. `node bench/cold-start-process.mjs <bundle> <event JSON>` prints the
 * wall and CPU ms of each. Plain JavaScript, so that no loader stands between Node and the bundle.
 * bench/floor.ts starts it.
 *
 * Before the clock starts, as in bench/measure.ts coldLoad: the `awslambda` global and the
 * built-ins the Lambda runtime interface client has loaded, and a DynamoDB stand-in on loopback
 * (AWS_ENDPOINT_URL_DYNAMODB) that answers the rate limit's UpdateItem as DynamoDB would, so the
 * first request makes its real round trip, over HTTP, without AWS. Its answering is a little of
 * the first request's CPU time.
 */
import { createServer } from 'node:http';

const [file, eventJson] = process.argv.slice(2);
globalThis.awslambda ??= { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } };
for (const name of ['fs', 'net', 'http', 'os', 'util', 'path', 'worker_threads']) await import(`node:${name}`);

const dynamoDb = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ Attributes: { count: { N: '1' } } }));
  });
});
await new Promise((resolve) => dynamoDb.listen(0, '127.0.0.1', resolve));
process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${dynamoDb.address().port}`;
const event = JSON.parse(eventJson);
const context = {
  functionName: 'mcp',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mcp',
  memoryLimitInMB: '1024',
  awsRequestId: 'cold-start',
  logGroupName: '/aws/lambda/mcp',
  logStreamName: 'cold-start',
  getRemainingTimeInMillis: () => 30_000,
  callbackWaitsForEmptyEventLoop: false,
};

const cpu = process.cpuUsage();
const started = performance.now();
const { handler } = await import(file);
const loaded = performance.now();
const loadCpu = process.cpuUsage(cpu);
const answer = await handler(event, context);
const answered = performance.now();
const callCpu = process.cpuUsage(cpu);
if (answer.statusCode !== 200 || answer.body.includes('"isError":true')) {
  throw new Error(`the first request was answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
}
const ms = (usage) => (usage.user + usage.system) / 1000;
console.log([loaded - started, ms(loadCpu), answered - loaded, ms(callCpu) - ms(loadCpu)].join(' '));
process.exit(0);
