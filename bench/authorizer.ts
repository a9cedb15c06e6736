/**
 * The authorizer's cost, in process: a decision with warm caches (JWKS and public key cached, the
 * DynamoDB port answering from memory, so DynamoDB's own latency is excluded by design) beside a
 * bare RS256 crypto.verify of the same token; DynamoDB calls per decision; bundle size as deployed and,
 * for comparison, with the AWS SDK DynamoDB client it replaced; cold module load.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { build } from 'esbuild';
import { createAccessTokenVerifier } from '../authorizer/access-token.js';
import type { AuthorizationStore } from '../authorizer/authorization-store.js';
import { type AccessDecisionDependencies, type Decision, decideAccess } from '../authorizer/decide-access.js';
import { dynamoDbAuthorizationStore } from '../authorizer/dynamodb-store.js';
import { createDynamoDbJsonApi } from '../lib/dynamodb/json-api.js';
import { medianColdLoadMs, percentile, sizeColumns } from './measure.js';

const ROOT = resolve(import.meta.dirname, '..');
const POOL = 'us-east-1_Bench';
const RESOURCE = 'https://mcp.example.com/mcp';
const WARMUP = 2_000;
const ROUNDS = 7;
const RUNS_PER_ROUND = 3_000;


/**
 * Times each operation in interleaved rounds (so that a burst of load on a shared machine hits
 * every operation alike) and reports, per operation, the lowest of the round medians and the p99
 * over all samples, in microseconds.
 */
async function timeAll(operations: Array<[string, () => unknown]>): Promise<Map<string, { median: number; p99: number }>> {
  const samples = new Map(operations.map(([label]) => [label, [] as number[]]));
  const roundMedians = new Map(operations.map(([label]) => [label, [] as number[]]));
  for (const [, once] of operations) for (let i = 0; i < WARMUP; i++) await once();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, once] of operations) {
      const round: number[] = [];
      for (let i = 0; i < RUNS_PER_ROUND; i++) {
        const start = performance.now();
        await once();
        round.push((performance.now() - start) * 1000);
      }
      samples.get(label)!.push(...round);
      roundMedians.get(label)!.push(percentile(round.sort((a, b) => a - b), 50));
    }
  }
  const results = new Map<string, { median: number; p99: number }>();
  for (const [label] of operations) {
    const all = samples.get(label)!.sort((a, b) => a - b);
    const result = { median: Math.min(...roundMedians.get(label)!), p99: percentile(all, 99) };
    results.set(label, result);
    console.log(`${label.padEnd(46)} ${result.median.toFixed(1).padStart(8)} ${result.p99.toFixed(1).padStart(8)}`);
  }
  return results;
}

/**
 * What awaiting the daily `lastUsedAt` refresh adds to the decision that makes it (once per client
 * per day per container; every other decision is the plain Allow above). The clock passed to the
 * decision moves a day per call so that each call is due for a refresh. Two ports for the write:
 * in memory (the cost of awaiting itself) and the real DynamoDB JSON API adapter (SigV4 signing,
 * fetch) against a loopback server that answers like DynamoDB, i.e. everything but DynamoDB's own
 * service time, which a regional UpdateItem adds on AWS (single-digit milliseconds).
 */
async function benchTouch(
  decide: (value: string, dependencies?: Partial<AccessDecisionDependencies>) => Promise<Decision>,
  token: string,
  store: AuthorizationStore,
): Promise<void> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const jsonApi = createDynamoDbJsonApi({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const adapter = dynamoDbAuthorizationStore(jsonApi, { revocationsTable: 'r', clientsTable: 'c', apiKeysTable: 'k', timeoutMs: 1000 });
    let touches = 0;
    let day = Date.now();
    const everyCallDue = () => (day += 86_400_000);
    const inMemory: AuthorizationStore = { ...store, touchClient: async () => void touches++ };
    const overLoopback: AuthorizationStore = { ...store, touchClient: (clientId, nowSeconds) => (touches++, adapter.touchClient(clientId, nowSeconds)) };
    const TOUCH_MEMORY = 'decision → Allow + touch (in-memory port)';
    const TOUCH_LOOPBACK = 'decision → Allow + touch (JSON API, loopback)';
    const NO_TOUCH = 'decision → Allow, no refresh due';
    console.log('\nAwaiting the lastUsedAt refresh, in the decision that makes it (interleaved with the plain Allow)');
    console.log(`${'operation'.padEnd(46)} ${'median µs'.padStart(8)} ${'p99 µs'.padStart(8)}`);
    const results = await timeAll([
      [NO_TOUCH, () => decide(token)],
      [TOUCH_MEMORY, () => decide(token, { store: inMemory, now: everyCallDue })],
      [TOUCH_LOOPBACK, () => decide(token, { store: overLoopback, now: everyCallDue })],
    ]);
    if (touches === 0) throw new Error('No decision refreshed lastUsedAt: the benchmark measured nothing');
    const withoutTouchMedian = results.get(NO_TOUCH)!.median;
    for (const label of [TOUCH_MEMORY, TOUCH_LOOPBACK]) {
      const withTouch = results.get(label)!.median;
      console.log(
        `${label}: adds ${(withTouch - withoutTouchMedian).toFixed(1)} µs to a decision (${withoutTouchMedian.toFixed(1)} → ${withTouch.toFixed(1)} µs, ${(withTouch / withoutTouchMedian).toFixed(2)}×)`,
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function benchDecision(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwks = new TextEncoder().encode(JSON.stringify({ keys: [jwk] })).buffer as ArrayBuffer;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: 'bench-user',
    username: 'bench-user',
    client_id: 'bench-client',
    token_use: 'access',
    scope: `${RESOURCE}/read`,
    jti: 'bench-jti',
    iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    auth_time: now,
    iat: now,
    exp: now + 3600,
  };
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'bench' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), privateKey);
  const token = `${input}.${signature.toString('base64url')}`;
  const forged = `${input}.${Buffer.from(signature.map((byte) => byte ^ 1)).toString('base64url')}`;

  let storeCalls = 0;
  // In memory: the decision's cost without DynamoDB's network latency (measured separately by nature).
  const store: AuthorizationStore = {
    tokenRecords: async (_keys, clientId) => (storeCalls++, { revocations: [], client: { clientId, lastUsedAt: now } }),
    apiKey: async () => (storeCalls++, undefined),
    touchClient: async () => {
      storeCalls++;
    },
  };
  const tokens = createAccessTokenVerifier(
    { userPoolId: POOL, resourceUrl: RESOURCE, clockSkewSeconds: 10, localJwksOrigin: undefined },
    new SimpleJwksCache({ fetcher: { fetch: async () => jwks } }),
  );
  await tokens.hydrate();
  const decide = (value: string, dependencies: Partial<AccessDecisionDependencies> = {}) =>
    decideAccess({ headers: { Authorization: `Bearer ${value}` } }, { verifyToken: tokens.verify, store, ...dependencies });
  const first = await decide(token);
  if (first.effect !== 'allow') throw new Error(`Benchmark token was denied: ${JSON.stringify(first)}`);

  console.log('\nAuthorizer decision, in process, warm caches (DynamoDB port in memory)');
  console.log(`${'operation'.padEnd(46)} ${'median µs'.padStart(8)} ${'p99 µs'.padStart(8)}`);
  const library = CognitoJwtVerifier.create(
    { userPoolId: POOL, tokenUse: 'access', clientId: null },
    { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async () => jwks } }) },
  );
  await library.hydrate();
  const BARE = 'bare RS256 crypto.verify of the same token';
  const ALLOW = 'decision: valid token → Allow';
  const results = await timeAll([
    [BARE, () => verify('sha256', Buffer.from(input), publicKey, signature)],
    ['aws-jwt-verify verifySync() alone', () => library.verifySync(token)],
    ['token checks (verifySync + claims), no store', () => tokens.verify(token)],
    [ALLOW, () => decide(token)],
    ['decision: forged signature → Deny', () => decide(forged)],
  ]);
  const ratio = results.get(ALLOW)!.median / results.get(BARE)!.median;
  console.log(`decision / bare verify (median): ${ratio.toFixed(2)}× (target ≤ 1.5×)`);
  await benchTouch(decide, token, store);

  storeCalls = 0;
  await decide(token);
  const validCalls = storeCalls;
  storeCalls = 0;
  await decide(forged);
  await decide('not-a-jwt');
  await decide(`${input.slice(0, -4)}AAAA.${signature.toString('base64url')}`);
  console.log(`DynamoDB calls per decision: valid token ${validCalls} (target 1), invalid tokens ${storeCalls} over 3 (target 0)`);
}

// For comparison only: the same authorizer with the AWS SDK's DynamoDB document client loaded and
// created at cold start, as the authorizer did before it spoke DynamoDB's JSON API over fetch.
const WITH_SDK_CLIENT = `import '../authorizer/handler.ts';
import { createDocumentClient } from '../lib/dynamodb/document-client.ts';
createDocumentClient();`;

// For the breakdown: what starting the cold-start JWKS download costs by itself in a fresh process
// (TLS root store and socket set-up, paid once per container whichever call makes the first request).
const HTTPS_REQUEST_ONLY = `import https from 'node:https';
https.request('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench/.well-known/jwks.json').on('error', () => {}).end();`;

type Variant = 'deployed' | 'with-sdk-client' | 'https-request-only';

async function bundle(outfile: string, variant: Variant): Promise<void> {
  const entry = { 'with-sdk-client': WITH_SDK_CLIENT, 'https-request-only': HTTPS_REQUEST_ONLY }[variant as Exclude<Variant, 'deployed'>];
  await build({
    ...(variant === 'deployed'
      ? { entryPoints: [join(ROOT, 'authorizer/handler.ts')] }
      : { stdin: { contents: entry, resolveDir: join(ROOT, 'bench'), loader: 'ts' as const, sourcefile: `${variant}.ts` } }),
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
}

// What the authorizer's configuration needs at import time (it is validated at cold start).
const COLD_START_ENVIRONMENT = {
  USER_POOL_ID: POOL,
  MCP_RESOURCE_URL: RESOURCE,
  REVOCATIONS_TABLE: 'bench-revocations',
  CLIENTS_TABLE: 'bench-clients',
  API_KEYS_TABLE: 'bench-api-keys',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export async function benchBundle(): Promise<void> {
  const dir = join(ROOT, 'node_modules', '.cache', 'bench-authorizer');
  mkdirSync(dir, { recursive: true });
  try {
    console.log('\nAuthorizer bundle (esbuild, minified ESM, as serverless-esbuild builds it)');
    console.log('variant                                            size KB   gzip KB   cold load ms (median of 7)');
    const variants: Array<[string, Variant]> = [
      ['as deployed (DynamoDB JSON API, lib/aws/sigv4.ts)', 'deployed'],
      ['for comparison: + AWS SDK DynamoDB document client', 'with-sdk-client'],
      ['breakdown: starting one HTTPS request, nothing else', 'https-request-only'],
    ];
    for (const [label, variant] of variants) {
      const file = join(dir, `${variant}.mjs`);
      await bundle(file, variant);
      console.log(`${label.padEnd(50)} ${sizeColumns(file)} ${medianColdLoadMs(file, COLD_START_ENVIRONMENT, 7).toFixed(1).padStart(10)}`);
    }
    console.log('cold load includes starting the JWKS download that the authorizer begins at cold start');
    console.log('targets: < 150 KB without the AWS SDK (the deployed bundle contains no AWS SDK client); cold load < 80 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAuthorizer(): Promise<void> {
  await benchDecision();
  await benchBundle();
}
