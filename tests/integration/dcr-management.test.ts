import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdkDocuments } from '../../lib/dynamodb/sdk-documents.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cleanUpClients } from '../../dcr/cleanup.js';
import { type AppClients, cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { dynamoDbClientRegistry } from '../../dcr/client-registry.js';
import { parseClientMetadata } from '../../dcr/client-metadata.js';
import { ClientCapacityError, RateLimitedError } from '../../dcr/errors.js';
import { deleteRegistration } from '../../dcr/manage/delete.js';
import { updateRegistration } from '../../dcr/manage/update.js';
import { registerClient } from '../../dcr/register/index.js';
import type { RegistrationPolicy } from '../../dcr/register/policy.js';
import { sha256Hex } from '../../dcr/registration-token.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { dynamoDbRateLimiter } from '../../lib/rate-limit.js';
import { localCognitoClient } from '../../local/cognito.js';
import { listAppClients } from '../support/cognito-app-clients.js';
import { localJsonCognito, localJsonDocuments } from '../support/json-adapters.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import type { DynamicClientRecord } from '../../lib/client-record.js';

const CLIENTS_TABLE = 'secure-mcp-local-clients';
const RATE_LIMITS_TABLE = 'secure-mcp-local-rate-limits';
const SETTINGS = { identityProviders: ['COGNITO'], accessTokenMinutes: 60, refreshTokenDays: 30, refreshTokenRotation: true, rotationGraceSeconds: 10 };

describe('RFC 7592 client management over HTTP', () => {
  const stack = inject('stack');
  const register = async (body: Record<string, unknown>) => {
    const response = await fetch(`${stack.baseUrl}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return (await response.json()) as Record<string, string> & { redirect_uris: string[] };
  };
  const call = (uri: string, method: string, token?: string, body?: unknown) =>
    fetch(uri, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('reads, updates and deletes a client with its registration access token', async () => {
    const registration = await register({ client_name: 'managed', redirect_uris: ['http://localhost:41000/cb'] });
    const uri = registration.registration_client_uri!;
    const token = registration.registration_access_token!;

    const read = await call(uri, 'GET', token);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: registration.client_id, client_name: 'managed', registration_client_uri: uri });

    const update = await call(uri, 'PUT', token, {
      client_id: registration.client_id,
      client_name: 'managed v2',
      redirect_uris: ['http://localhost:41001/cb'],
      scope: 'read',
    });
    expect(update.status).toBe(200);
    expect(await update.json()).toMatchObject({ client_name: 'managed v2', redirect_uris: ['http://localhost:41001/cb'], scope: `${stack.mcpUrl}/read` });
    const reread = await (await call(uri, 'GET', token)).json();
    expect(reread).toMatchObject({ client_name: 'managed v2', scope: `${stack.mcpUrl}/read` });

    const badUpdate = await call(uri, 'PUT', token, { client_id: registration.client_id, redirect_uris: ['javascript:alert(1)'] });
    expect(badUpdate.status).toBe(400);
    expect(await badUpdate.json()).toMatchObject({ error: 'invalid_redirect_uri' });

    const deleted = await call(uri, 'DELETE', token);
    expect(deleted.status).toBe(204);
    expect((await call(uri, 'GET', token)).status).toBe(401);
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'A'.repeat(43)],
    ['a malformed token', 'not a token!'],
  ])('refuses %s with 401 invalid_token', async (_name, token) => {
    const registration = await register({ redirect_uris: ['http://localhost:41002/cb'] });
    for (const method of ['GET', 'DELETE']) {
      const response = await call(registration.registration_client_uri!, method, token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
    expect((await call(registration.registration_client_uri!, 'GET', registration.registration_access_token)).status).toBe(200);
  });

  it("refuses another client's token and an unknown client id alike", async () => {
    const first = await register({ redirect_uris: ['http://localhost:41003/cb'] });
    const second = await register({ redirect_uris: ['http://localhost:41004/cb'] });
    expect((await call(first.registration_client_uri!, 'GET', second.registration_access_token)).status).toBe(401);
    expect((await call(`${stack.baseUrl}/register/nosuchclient`, 'GET', first.registration_access_token)).status).toBe(401);
  });

  it('refuses to change the auth method or the client id', async () => {
    const registration = await register({ redirect_uris: ['http://localhost:41005/cb'] });
    const uri = registration.registration_client_uri!;
    const method = await call(uri, 'PUT', registration.registration_access_token, {
      client_id: registration.client_id, redirect_uris: ['http://localhost:41005/cb'], token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(method.status).toBe(400);
    expect((await method.json()).error_description).toMatch(/^token_endpoint_auth_method: /);
    const id = await call(uri, 'PUT', registration.registration_access_token, { client_id: 'other', redirect_uris: ['http://localhost:41005/cb'] });
    expect(id.status).toBe(400);
    expect((await id.json()).error_description).toMatch(/^client_id: /);
  });
});

describe('no orphans, no partial writes (injected failures against cognito-local and DynamoDB Local)', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });
  // The registry and app clients as deployed (JSON APIs); the test's own reads use the SDK.
  const appClients = cognitoAppClients(stack.userPoolId, { ...SETTINGS, callbackUrl: `${stack.baseUrl}/oauth/callback` }, localJsonCognito(stack.cognitoEndpoint));
  const registry = dynamoDbClientRegistry(CLIENTS_TABLE, localJsonDocuments(stack.dynamoDbEndpoint));
  const policy: RegistrationPolicy = {
    resourceServerId: stack.mcpUrl,
    allowedScopes: [`${stack.mcpUrl}/read`, `${stack.mcpUrl}/write`],
    publicBaseUrl: stack.baseUrl,
  };
  const metadata = (port: number, extra: Record<string, unknown> = {}) =>
    parseClientMetadata({ client_name: `in-process ${port}`, redirect_uris: [`http://localhost:${port}/cb`], ...extra });
  const cognitoIds = async () => (await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientId!);
  const failing = <T extends object>(real: T, method: keyof T, error = new Error(`injected ${String(method)} failure`)): T =>
    ({ ...real, [method]: async () => Promise.reject(error) }) as T;
  const recording = (real: AppClients) => {
    const created: string[] = [];
    return {
      created,
      appClients: { ...real, createClient: async (request: Parameters<AppClients['createClient']>[0]) => {
        const result = await real.createClient(request);
        created.push(result.clientId);
        return result;
      } } as AppClients,
    };
  };

  it('reads an app client over the JSON API as the SDK did: creation time (epoch seconds on the wire), secret, absence', async () => {
    const before = Date.now();
    const { clientId, clientSecret } = await appClients.createClient({ name: 'json-api read-back', scopes: [], grantTypes: ['authorization_code'], confidential: true });
    try {
      const created = (await appClients.createdAt(clientId))!.getTime();
      // cognito-local keeps whole seconds, as Cognito's JSON answers do.
      expect(created).toBeGreaterThanOrEqual(before - 1000);
      expect(created).toBeLessThanOrEqual(Date.now() + 1000);
      expect(clientSecret).toEqual(expect.any(String));
      expect(await appClients.clientSecret(clientId)).toBe(clientSecret);
    } finally {
      await appClients.deleteClient(clientId);
    }
    expect(await appClients.createdAt(clientId)).toBeUndefined();
    // Deleting what is gone counts as deleted.
    await appClients.deleteClient(clientId);
  });

  it('deletes the Cognito app client again when the registry write fails', async () => {
    const { created, appClients: spy } = recording(appClients);
    await expect(registerClient(metadata(42000), policy, { appClients: spy, registry: failing(registry, 'put') })).rejects.toThrow('injected put failure');
    expect(created).toHaveLength(1);
    expect(await cognitoIds()).not.toContain(created[0]);
    expect(await registry.get(created[0]!)).toBeUndefined();
  });

  it('reports the orphan when the rollback fails too, and the clean-up removes it later', async () => {
    const { created, appClients: spy } = recording(failing(appClients, 'deleteClient'));
    const orphans: string[] = [];
    await expect(
      registerClient(metadata(42001), policy, { appClients: spy, registry: failing(registry, 'put'), onOrphan: (id) => orphans.push(id) }),
    ).rejects.toThrow('injected put failure');
    expect(created).toHaveLength(1);
    expect(orphans).toEqual(created);
    expect(await cognitoIds()).toContain(orphans[0]);
    // The clean-up deletes dcr-named app clients the registry does not know, past a grace period.
    const report = await cleanUpClients({ registry, appClients }, { unusedDays: 3650, orphanGraceSeconds: 0 });
    expect(report.orphans).toContain(orphans[0]);
    expect(await cognitoIds()).not.toContain(orphans[0]);
  });

  it('puts Cognito back when the registry refuses an update', async () => {
    const { body } = await registerClient(metadata(42002), policy, { appClients, registry });
    const record = (await registry.get(body.client_id as string)) as DynamicClientRecord;
    const change = metadata(42003);
    await expect(
      updateRegistration(record, change, { client_id: record.clientId }, policy, { appClients, registry: failing(registry, 'updateMetadata') }),
    ).rejects.toThrow('injected updateMetadata failure');
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: record.clientId }),
    );
    // Cognito knows only the facade's callback; the client's own URI is the registry's.
    expect(UserPoolClient?.CallbackURLs).toEqual([`${stack.baseUrl}/oauth/callback`]);
    expect((await registry.get(record.clientId))?.redirectUris).toEqual(['http://localhost:42002/cb']);
  });

  it('a delete whose Cognito call fails leaves the row marked deleted (refused at once), and the clean-up finishes it', async () => {
    const { body } = await registerClient(metadata(42004), policy, { appClients, registry });
    const clientId = body.client_id as string;
    const record = (await registry.get(clientId)) as DynamicClientRecord;
    const problems: string[] = [];
    const result = await deleteRegistration(record, {
      appClients: failing(appClients, 'deleteClient'),
      registry,
      onInconsistency: (id) => problems.push(id),
    });
    expect(result).toEqual({ completed: false });
    expect(problems).toEqual([clientId]);
    expect(await registry.get(clientId)).toMatchObject({ status: 'deleted' });
    expect(await cognitoIds()).toContain(clientId);
    const report = await cleanUpClients({ registry, appClients }, { unusedDays: 3650 });
    expect(report.finished).toContain(clientId);
    expect(await cognitoIds()).not.toContain(clientId);
    expect(await registry.get(clientId)).toBeUndefined();
  });

  it('the clean-up deletes clients unused for N days and keeps recently used ones', async () => {
    const stale = (await registerClient(metadata(42005), { ...policy, now: () => new Date(Date.now() - 100 * 86_400_000) }, { appClients, registry })).body.client_id as string;
    const fresh = (await registerClient(metadata(42006), policy, { appClients, registry })).body.client_id as string;
    const report = await cleanUpClients({ registry, appClients }, { unusedDays: 90 });
    expect(report.unused).toContain(stale);
    expect(report.unused).not.toContain(fresh);
    expect(await registry.get(stale)).toBeUndefined();
    expect(await cognitoIds()).not.toContain(stale);
    expect(await registry.get(fresh)).toMatchObject({ status: 'active' });
    expect(report.activeAppClients).toBeGreaterThan(0);
  });

  it('returns the same client for an identical registration from the same source within the window', async () => {
    const windowed = { ...policy, idempotencySeconds: 600 };
    const same = metadata(42007, { software_id: 'restarting-cli' });
    const first = await registerClient(same, windowed, { appClients, registry }, { sourceIp: '198.51.100.7' });
    const second = await registerClient(metadata(42007, { software_id: 'restarting-cli' }), windowed, { appClients, registry }, { sourceIp: '198.51.100.7' });
    expect(second.created).toBe(false);
    expect(second.body.client_id).toBe(first.body.client_id);
    // The repeat gets no registration access token, so it cannot take over the first registrant's
    // management rights; the first token still reads the registration.
    expect(first.body.registration_access_token).toEqual(expect.any(String));
    expect(second.body).not.toHaveProperty('registration_access_token');
    expect(second.body).not.toHaveProperty('registration_client_uri');
    expect(await registry.get(first.body.client_id as string)).toMatchObject({
      registrationTokenHash: sha256Hex(first.body.registration_access_token as string),
    });
    const otherSource = await registerClient(metadata(42007, { software_id: 'restarting-cli' }), windowed, { appClients, registry }, { sourceIp: '198.51.100.8' });
    expect(otherSource.body.client_id).not.toBe(first.body.client_id);
    const otherMetadata = await registerClient(metadata(42008, { software_id: 'restarting-cli' }), windowed, { appClients, registry }, { sourceIp: '198.51.100.7' });
    expect(otherMetadata.body.client_id).not.toBe(first.body.client_id);
  });

  it('rate-limits registrations per source address (DynamoDB Local counters)', async () => {
    const limited = { ...policy, rateLimit: { limit: 2, windowSeconds: 3600 } };
    const rateLimiter = dynamoDbRateLimiter(RATE_LIMITS_TABLE, sdkDocuments(documents));
    const sourceIp = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const { created, appClients: spy } = recording(appClients);
    await registerClient(metadata(42010), limited, { appClients: spy, registry, rateLimiter }, { sourceIp });
    await registerClient(metadata(42011), limited, { appClients: spy, registry, rateLimiter }, { sourceIp });
    const refused = await registerClient(metadata(42012), limited, { appClients: spy, registry, rateLimiter }, { sourceIp }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect(created).toHaveLength(2);
  });

  it('refuses new clients at the cap with a clear error and creates nothing', async () => {
    const counts: number[] = [];
    const { created, appClients: spy } = recording(appClients);
    const active = await registry.countActiveAppClients();
    const refused = await registerClient(metadata(42013), { ...policy, maxClients: active }, { appClients: spy, registry, onClientCount: (n) => counts.push(n) }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientCapacityError);
    expect((refused as Error).message).toMatch(/limit of \d+ dynamically registered clients/);
    expect(created).toEqual([]);
    expect(counts[0]).toBeGreaterThanOrEqual(active);
  });
});

