/**
 * The facade's DynamoDB round trips per endpoint, counted (not claimed): the real modules of
 * oauth/ and dcr/cimd/ run against DynamoDB Local (started here, in memory) through a document
 * client whose middleware counts every call, with the wall time of each step. Cognito's token
 * endpoint and the CIMD document host are loopback stand-ins (their calls are counted separately);
 * Secrets Manager calls per cold start are counted through an injected fetch.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { resolveCimdClient } from '../dcr/cimd/cimd-clients.js';
import { dynamoDbCimdRegistry } from '../dcr/cimd/cimd-registry.js';
import { createDocumentClient } from '../lib/dynamodb/document-client.js';
import { sdkDocuments } from '../lib/dynamodb/sdk-documents.js';
import { dynamoDbRevocationStore } from '../lib/revocations.js';
import { startDynamoDb } from '../local/dynamodb.js';
import { settingsFromEnv } from '../local/settings.js';
import { runAuthorize } from '../oauth/authorize/index.js';
import { handleCallback } from '../oauth/callback.js';
import { lookUpClient, cimdAuthorizeClient } from '../oauth/client-lookup.js';
import { consentResponse, decideConsent } from '../oauth/consent.js';
import { dynamoDbCodeGrants } from '../oauth/code-grants.js';
import { deriveKeys, sealingKeyring } from '../oauth/keys.js';
import { seal } from '../oauth/sealed.js';
import { cognitoTokenEndpoint } from '../oauth/token/cognito-token-endpoint.js';
import { dynamoDbAppGrants } from '../lib/app-grants.js';
import { newTokenContext } from '../oauth/token/context.js';
import { handleTokenRequest } from '../oauth/token/index.js';
import { formPost } from '../tests/support/form-post.js';
import { newRevocationContext } from '../oauth/revoke/context.js';
import { revokeToken } from '../oauth/revoke/index.js';

const ISSUER = 'https://mcp.example.com';
const RESOURCE = `${ISSUER}/mcp`;
// /token checks the verifier against the challenge bound to the code before spending it.
const VERIFIER = 'v'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

export async function benchOAuthFacade(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oauth-bench-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const dynamo = await startDynamoDb({ ...settingsFromEnv({ MCP_LOCAL_DYNAMODB_PORT: String(port), MCP_LOCAL_DATA_DIR: dataDir }), inMemoryDynamoDb: true });
  const client = new DynamoDBClient({ endpoint: `http://localhost:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  const calls: string[] = [];
  client.middlewareStack.add((next, context) => async (args) => (calls.push(String(context.commandName).replace('Command', '')), next(args)), { step: 'initialize' });
  const cognitoCalls: string[] = [];
  const cognito = createServer((request, response) => {
    cognitoCalls.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'application/json' });
    // An access token shaped as Cognito's (unsigned: the facade reads its claims, never verifies them).
    const claims = { sub: 'bench-user', client_id: 'dcr1', auth_time: Math.floor(Date.now() / 1000) - 5, scope: `${RESOURCE}/read` };
    const accessToken = ['{"alg":"none"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.sig';
    response.end(JSON.stringify({ access_token: accessToken, refresh_token: 'rt', token_type: 'Bearer', expires_in: 3600 }));
  });
  await new Promise<void>((resolve) => cognito.listen(0, '127.0.0.1', resolve));
  try {
    for (const [table, key] of [['clients', 'clientId'], ['state', 'pk'], ['revocations', 'pk']]) {
      await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] }));
    }
    await client.send(new CreateTableCommand({
      TableName: 'grants',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'sub', AttributeType: 'S' }, { AttributeName: 'clientId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }, { AttributeName: 'clientId', KeyType: 'RANGE' }],
    }));
    const documents = createDocumentClient(client);
    const registry = dynamoDbClientRegistry('clients', sdkDocuments(documents));
    const grants = dynamoDbCodeGrants('state', sdkDocuments(documents));
    const row = { clientId: 'dcr1', status: 'active', source: 'dcr', clientName: 'Bench', redirectUris: ['http://127.0.0.1/cb'], grantTypes: ['authorization_code', 'refresh_token'], responseTypes: ['code'], tokenEndpointAuthMethod: 'none', scope: `${RESOURCE}/read`, registrationTokenHash: 'x', createdAt: 1, cognitoCallbackUrl: `${ISSUER}/oauth/callback` };
    await documents.send(new PutCommand({ TableName: 'clients', Item: row }));
    const keys = deriveKeys('k'.repeat(64));
    const settings = { issuer: ISSUER, cognitoOAuthBaseUrl: 'https://pool.auth.us-east-1.amazoncognito.com', callbackUrl: `${ISSUER}/oauth/callback`, ttlSeconds: 600, stateKey: keys['cognito-state'], consentKey: keys.consent, resourceName: 'x', codeTtlSeconds: 300 };
    const now = () => Math.floor(Date.now() / 1000);
    const rows: Array<[string, number, string]> = [];
    const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      calls.length = 0;
      const started = performance.now();
      const result = await work();
      rows.push([label, performance.now() - started, calls.join(' + ') || 'none']);
      return result;
    };
    const deps = { issuer: ISSUER, resource: RESOURCE, serverScopes: [`${RESOURCE}/read`], findClient: (id: string) => lookUpClient(id, { registry, appClients: { updateClient: async () => {} }, callbackUrl: settings.callbackUrl }) };
    const query = { response_type: ['code'], client_id: ['dcr1'], redirect_uri: ['http://127.0.0.1:5000/cb'], code_challenge: [CHALLENGE], code_challenge_method: ['S256'], state: ['s'] };
    const outcome = await step('GET /authorize (DCR client)', () => runAuthorize(query, 200, deps));
    if (outcome.kind !== 'consent') throw new Error(outcome.kind);
    const page = consentResponse(outcome.ctx, settings, undefined, now());
    const cookie = String(page.multiValueHeaders!['Set-Cookie']![0]).split(';')[0]!;
    const request = /name="request" value="([^"]+)"/.exec(page.body)![1]!;
    const decision = await step('POST /consent', async () => decideConsent({ form: { request, decision: 'allow' }, cookieHeader: cookie, origin: ISSUER, secFetchSite: 'same-origin' }, settings, now()));
    const location = new URL(String(decision.response.headers!.Location));
    const authz = String(decision.response.multiValueHeaders!['Set-Cookie']![0]).split(';')[0]!;
    await step('GET /oauth/callback', () => handleCallback({ code: 'bench-code', state: location.searchParams.get('state')! }, authz, settings, grants, now()));
    // No client in this run signs assertions: their keys and jtis are never reached.
    const assertions = { jwks: async () => Promise.reject(new Error('no keys in the bench')), usedAssertions: { use: async () => false } };
    const tokenDeps = { grants, registry, issuer: ISSUER, assertions, cognito: cognitoTokenEndpoint(`http://127.0.0.1:${(cognito.address() as AddressInfo).port}`, 2000), callbackUrl: settings.callbackUrl, resource: RESOURCE, clientCredentialsEnabled: false, now, appGrants: dynamoDbAppGrants({ grants: 'grants', revocations: 'revocations' }, sdkDocuments(documents)), sessionSeconds: 86_400 };
    await step('POST /token authorization_code', () => handleTokenRequest(newTokenContext(formPost({ grant_type: 'authorization_code', code: 'bench-code', redirect_uri: 'http://127.0.0.1:5000/cb', code_verifier: VERIFIER, client_id: 'dcr1' })), tokenDeps));
    await step('POST /token refresh_token', () => handleTokenRequest(newTokenContext(formPost({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'dcr1' })), tokenDeps));

    // /revoke (RFC 7009): the access token's signature check is CPU only (the authorizer's verifier,
    // stood in here); a refresh token goes to Cognito's RevokeToken (counted, not called).
    const revokeCalls: string[] = [];
    const revokeDeps = {
      registry,
      issuer: ISSUER,
      assertions,
      revocations: dynamoDbRevocationStore('revocations', sdkDocuments(documents)),
      clientSecret: async () => undefined,
      verifyAccessToken: async (token: string) => {
        if (token !== 'access.token.jwt') throw new Error('not an access token');
        return { clientId: 'dcr1', jti: 'jti-1', exp: now() + 3600 };
      },
      revokeRefreshToken: async () => (revokeCalls.push('RevokeToken'), 'revoked' as const),
    };
    await step('POST /revoke access token', () => revokeToken(newRevocationContext(formPost({ token: 'access.token.jwt', client_id: 'dcr1' })), revokeDeps));
    await step('POST /revoke refresh token (+1 Cognito RevokeToken)', () => revokeToken(newRevocationContext(formPost({ token: 'refresh.token.of.five.parts', client_id: 'dcr1' })), revokeDeps));

    // CIMD: a new URL, the cache hit, and a refetch of an unchanged document.
    const documentUrl = 'https://client.example.org/mcp.json';
    const body = Buffer.from(JSON.stringify({ client_id: documentUrl, client_name: 'Bench CIMD', redirect_uris: ['http://127.0.0.1/cb'] }));
    let fetches = 0;
    const cimdRegistry = dynamoDbCimdRegistry('clients', sdkDocuments(documents));
    const policy = { hosts: { allowedHosts: [], deniedHosts: [] }, metadata: {}, resourceServerId: RESOURCE, allowedScopes: [`${RESOURCE}/read`], cache: { minSeconds: 300, maxSeconds: 86_400 }, callbackUrl: settings.callbackUrl, maxClients: 800 };
    const cimdDeps = { registry: cimdRegistry, countActiveAppClients: () => registry.countActiveAppClients(), appClients: { createClient: async () => ({ clientId: 'cimdapp1' }), deleteClient: async () => {} }, fetchDocument: async () => (fetches++, { body, cacheControl: 'max-age=300' }) };
    await step('GET /authorize, CIMD new URL (+1 fetch, +1 CreateUserPoolClient)', async () => cimdAuthorizeClient(await resolveCimdClient(documentUrl, policy, cimdDeps)));
    await step('GET /authorize, CIMD cache hit', async () => cimdAuthorizeClient(await resolveCimdClient(documentUrl, policy, cimdDeps)));
    await step('GET /authorize, CIMD stale, document unchanged (+1 fetch)', async () => cimdAuthorizeClient(await resolveCimdClient(documentUrl, policy, cimdDeps, { now: new Date(Date.now() + 400_000) })));

    // Secrets Manager: GetSecretValue calls over 100 requests of one container.
    let secretCalls = 0;
    const load = sealingKeyring({ secretId: 'bench', env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'b', AWS_SECRET_ACCESS_KEY: 'b' }, fetch: async () => (secretCalls++, new Response(JSON.stringify({ SecretString: 's'.repeat(64) }), { status: 200 })) });
    for (let i = 0; i < 100; i++) await load();
    const coldCalls = secretCalls;
    // 100 blobs no known key opens (a rotation elsewhere, or forgeries): the lazy re-read of AWSCURRENT + AWSPREVIOUS.
    const ring = await load();
    const foreign = seal(Buffer.alloc(32, 1), 'consent', { exp: now() + 600 });
    for (let i = 0; i < 100; i++) await ring.keyFor('consent', foreign, now());

    console.log('\nOAuth facade: DynamoDB round trips per endpoint (counted against DynamoDB Local)');
    console.log('(one run each; the first calls include DynamoDB Local warming up, so the counts matter, not the ms)');
    console.log('step                                                            ms   DynamoDB calls');
    for (const [label, ms, ops] of rows) console.log(`${label.padEnd(62)} ${ms.toFixed(1).padStart(6)}   ${ops}`);
    console.log(`Cognito /oauth2/token calls: ${cognitoCalls.length} (one per /token request); CIMD document fetches: ${fetches} (new URL, stale)`);
    console.log(`Cognito RevokeToken calls: ${revokeCalls.length} (refresh tokens only)`);
    console.log(`Secrets Manager GetSecretValue per container over 100 requests: ${coldCalls}; then over 100 blobs no known key opens (within a minute): +${secretCalls - coldCalls}`);
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => cognito.close(() => resolve()));
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
