import { afterAll, describe, expect, inject, it } from 'vitest';
import { type AppClients, cognitoAppClients } from '../../dcr/cognito-app-clients.js';
import { parseClientMetadata } from '../../dcr/client-metadata.js';
import { dynamoDbClientRegistry } from '../../dcr/client-registry.js';
import { RegistrationInProgressError } from '../../dcr/errors.js';
import { registrationFingerprint } from '../../dcr/register/idempotency.js';
import { registerClient } from '../../dcr/register/index.js';
import type { RegistrationPolicy } from '../../dcr/register/policy.js';
import { CLAIM_SECONDS, dynamoDbRegistrationClaims } from '../../dcr/registration-claim.js';
import { localCognitoClient } from '../../local/cognito.js';
import { listAppClients } from '../support/cognito-app-clients.js';
import { localJsonCognito, localJsonDocuments } from '../support/json-adapters.js';

const CLIENTS_TABLE = 'secure-mcp-local-clients';
const RATE_LIMITS_TABLE = 'secure-mcp-local-rate-limits';
const SETTINGS = { identityProviders: ['COGNITO'], accessTokenMinutes: 60, refreshTokenDays: 30, refreshTokenRotation: true, rotationGraceSeconds: 10 };

/**
 * Identical public registrations from one source arriving together (a client retrying on a
 * timeout, two tabs of one app): one Cognito app client, one registry row, and every request
 * answered with that client. In process against cognito-local and DynamoDB Local with the
 * adapters as deployed (the local stage turns idempotency off so that the HTTP suites' many
 * registrations from 127.0.0.1 stay independent).
 */
describe('idempotent registration under concurrency (claims against DynamoDB Local, app clients in cognito-local)', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  afterAll(() => cognito.destroy());
  const documents = localJsonDocuments(stack.dynamoDbEndpoint);
  const appClients = cognitoAppClients(stack.userPoolId, { ...SETTINGS, callbackUrl: `${stack.baseUrl}/oauth/callback` }, localJsonCognito(stack.cognitoEndpoint));
  const registry = dynamoDbClientRegistry(CLIENTS_TABLE, documents);
  const claims = dynamoDbRegistrationClaims(RATE_LIMITS_TABLE, documents);
  const policy: RegistrationPolicy = {
    resourceServerId: stack.mcpUrl,
    allowedScopes: [`${stack.mcpUrl}/read`],
    publicBaseUrl: stack.baseUrl,
    idempotencySeconds: 600,
  };
  // A fresh source per test, so that no earlier run's client answers for it.
  const source = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  const metadata = (port: number) => parseClientMetadata({ client_name: `concurrent ${port}`, redirect_uris: [`http://127.0.0.1:${port}/cb`] });
  const cognitoIds = async () => (await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientId!);
  const recording = (real: AppClients, failFirst = false) => {
    const created: string[] = [];
    let calls = 0;
    const appClients: AppClients = {
      ...real,
      async createClient(request) {
        calls += 1;
        if (failFirst && calls === 1) throw new Error('injected createClient failure');
        const result = await real.createClient(request);
        created.push(result.clientId);
        return result;
      },
    };
    return { created, appClients };
  };

  it('six identical registrations at once create one app client and all get it', async () => {
    const sourceIp = source();
    const { created, appClients: spy } = recording(appClients);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => registerClient(metadata(43100), policy, { appClients: spy, registry, claims }, { sourceIp })),
    );
    expect(created).toHaveLength(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.body.client_id))).toEqual(new Set(created));
    // Only the one that created it can manage it.
    expect(results.filter((result) => 'registration_access_token' in result.body)).toHaveLength(1);
    expect(await cognitoIds()).toContain(created[0]);
    expect(await registry.get(created[0]!)).toMatchObject({ status: 'active', fingerprint: registrationFingerprint(metadata(43100), sourceIp) });
  });

  it('a registration that fails gives up its claim: the identical one waiting creates the client', async () => {
    const sourceIp = source();
    const { created, appClients: spy } = recording(appClients, true);
    const results = await Promise.allSettled([
      registerClient(metadata(43101), policy, { appClients: spy, registry, claims }, { sourceIp }),
      registerClient(metadata(43101), policy, { appClients: spy, registry, claims }, { sourceIp }),
    ]);
    const failed = results.filter((result) => result.status === 'rejected');
    const succeeded = results.filter((result) => result.status === 'fulfilled');
    expect(failed.map((result) => (result as PromiseRejectedResult).reason.message)).toEqual(['injected createClient failure']);
    expect(succeeded).toHaveLength(1);
    expect(created).toHaveLength(1);
    expect((succeeded[0] as PromiseFulfilledResult<{ created: boolean; body: Record<string, unknown> }>).value).toMatchObject({
      created: true,
      body: { client_id: created[0] },
    });
  });

  it('waits a bounded time for a claim whose registration never finishes, then refuses (429) and creates nothing', async () => {
    const sourceIp = source();
    const fingerprint = registrationFingerprint(metadata(43102), sourceIp);
    expect(await claims.claim(fingerprint, 'a registration that died', Math.floor(Date.now() / 1000))).toBe(true);
    const { created, appClients: spy } = recording(appClients);
    const started = Date.now();
    const refused = await registerClient(metadata(43102), policy, { appClients: spy, registry, claims }, { sourceIp }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RegistrationInProgressError);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(created).toEqual([]);
    // The dead claim frees itself: once it has expired, the same registration creates.
    const later = () => new Date(Date.now() + (CLAIM_SECONDS + 1) * 1000);
    const retried = await registerClient(metadata(43102), { ...policy, now: later }, { appClients: spy, registry, claims }, { sourceIp });
    expect(retried.created).toBe(true);
    expect(created).toHaveLength(1);
  });

  it('a claim is held by one owner at a time, until it expires or its owner releases it', async () => {
    const fingerprint = `test-${Math.random()}`;
    const now = Math.floor(Date.now() / 1000);
    expect(await claims.claim(fingerprint, 'a', now)).toBe(true);
    expect(await claims.claim(fingerprint, 'b', now)).toBe(false);
    await claims.release(fingerprint, 'b', now); // not b's: nothing changes
    expect(await claims.claim(fingerprint, 'b', now + 1)).toBe(false);
    await claims.release(fingerprint, 'a', now + 1);
    expect(await claims.claim(fingerprint, 'b', now + 1)).toBe(true);
    expect(await claims.claim(fingerprint, 'c', now + 1 + CLAIM_SECONDS)).toBe(true);
  });
});
