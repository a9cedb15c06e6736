import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SecretSource, SecretNotFoundError, getSecretValue } from '../../lib/aws/secrets-manager.js';
import { LOCAL_OAUTH_KEY_SECRET_ID, startSecretsManager } from '../../local/secrets-manager.js';
import { sealingKeyring } from '../../oauth/keys.js';
import { seal, unseal } from '../../oauth/sealed.js';

/**
 * Sealing-key rotation against the local Secrets Manager stand-in (real HTTP, requests signed as on
 * AWS by lib/aws/secrets-manager.ts). Each "container" is a sealingKeyring of its own, as each Lambda
 * container has one. The stand-in's version stages follow AWS's put-secret-value (AWSCURRENT moves
 * to the new version, AWSPREVIOUS to the displaced one); checked only against AWS's documentation.
 */
describe('sealing keys: AWSCURRENT seals, AWSPREVIOUS still opens after a rotation', () => {
  let server: Server;
  let endpoint: string;
  let reads: string[];
  let clock: number;
  const env = () => ({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint });
  const source = (): SecretSource => ({
    secretId: LOCAL_OAUTH_KEY_SECRET_ID,
    env: env(),
    fetch: async (input, init) => {
      reads.push((JSON.parse(String(init?.body)) as { VersionStage?: string }).VersionStage ?? 'AWSCURRENT');
      return fetch(input, init);
    },
  });
  const container = (onRefreshError?: (error: unknown) => void) => sealingKeyring(source(), { clock: () => clock, ...(onRefreshError && { onRefreshError }) });
  const rotate = async (value: string) => {
    const response = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.PutSecretValue' },
      body: JSON.stringify({ SecretId: LOCAL_OAUTH_KEY_SECRET_ID, SecretString: value }),
    });
    expect(response.status).toBe(200);
  };
  const now = () => Math.floor(clock / 1000);

  beforeEach(async () => {
    server = await startSecretsManager(0);
    endpoint = `http://localhost:${(server.address() as AddressInfo).port}`;
    reads = [];
    clock = Date.now();
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('getSecretValue reads a version stage; a stage no version has is SecretNotFoundError', async () => {
    const first = await getSecretValue(source());
    expect(await getSecretValue(source(), 'AWSCURRENT')).toBe(first);
    await expect(getSecretValue(source(), 'AWSPREVIOUS')).rejects.toBeInstanceOf(SecretNotFoundError);
    await rotate('n'.repeat(64));
    expect(await getSecretValue(source())).toBe('n'.repeat(64));
    expect(await getSecretValue(source(), 'AWSPREVIOUS')).toBe(first);
    await rotate('m'.repeat(64));
    expect(await getSecretValue(source(), 'AWSPREVIOUS')).toBe('n'.repeat(64));
    await expect(getSecretValue({ ...source(), secretId: 'another' })).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('a container started after a rotation opens what the old key sealed (consent and Cognito state) and seals with the new key', async () => {
    const before = await container()();
    const consentForm = seal(before.current().consent, 'consent', { exp: now() + 600 });
    const cognitoState = seal(before.current()['cognito-state'], 'cognito-state', { exp: now() + 600 });
    await rotate('r'.repeat(64));
    reads = [];
    const after = await container()();
    expect(reads).toEqual(['AWSCURRENT']);
    expect(after.current().consent.equals(before.current().consent)).toBe(false);
    const consentKey = await after.keyFor('consent', consentForm, now());
    expect(unseal(consentKey, 'consent', consentForm, now())).toBeDefined();
    expect(unseal(await after.keyFor('cognito-state', cognitoState, now()), 'cognito-state', cognitoState, now())).toBeDefined();
    // AWSPREVIOUS was read once, lazily, on the first blob that did not open; not for the second.
    expect(reads.filter((stage) => stage === 'AWSPREVIOUS')).toHaveLength(1);
    // Sealing stays on AWSCURRENT: a new blob does not open with the old key.
    const fresh = seal(after.current().consent, 'consent', { exp: now() + 600 });
    expect(unseal(before.current().consent, 'consent', fresh, now())).toBeUndefined();
  });

  it('a container started before the rotation opens what a newer container sealed, and seals with the new key from then on', async () => {
    const warm = await container()();
    const oldKey = warm.current().consent;
    await rotate('w'.repeat(64));
    const cold = await container()();
    const sealedByNewer = seal(cold.current().consent, 'consent', { exp: now() + 600 });
    const key = await warm.keyFor('consent', sealedByNewer, now());
    expect(unseal(key, 'consent', sealedByNewer, now())).toBeDefined();
    expect(warm.current().consent.equals(cold.current().consent)).toBe(true);
    // What it sealed before the rotation still opens, on it and on the newer container.
    const sealedBefore = seal(oldKey, 'consent', { exp: now() + 600 });
    expect(unseal(await warm.keyFor('consent', sealedBefore, now()), 'consent', sealedBefore, now())).toBeDefined();
    expect(unseal(await cold.keyFor('consent', sealedBefore, now()), 'consent', sealedBefore, now())).toBeDefined();
  });

  it('without AWSPREVIOUS nothing else opens; bad input costs at most one re-read per interval, and none when it is not a sealed blob', async () => {
    const ring = await container()();
    const foreign = seal(Buffer.alloc(32, 7), 'consent', { exp: now() + 600 });
    reads = [];
    for (let i = 0; i < 20; i++) expect(unseal(await ring.keyFor('consent', foreign, now()), 'consent', foreign, now())).toBeUndefined();
    expect(reads.sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    for (const junk of [undefined, '', 'x', 'v2.abc', 'v1.a/b', `v1.${'A'.repeat(40)}=`]) await ring.keyFor('consent', junk, now());
    clock += 61_000;
    for (const junk of [undefined, 'not sealed', 'v1.!!']) await ring.keyFor('consent', junk, now());
    expect(reads).toHaveLength(2);
    await ring.keyFor('consent', foreign, now());
    expect(reads).toHaveLength(4);
  });

  it('an expired blob stays closed under either key, and a purpose never opens as another', async () => {
    const before = await container()();
    const expired = seal(before.current().consent, 'consent', { exp: now() - 1 });
    const asState = seal(before.current()['cognito-state'], 'cognito-state', { exp: now() + 600 });
    await rotate('e'.repeat(64));
    const after = await container()();
    expect(unseal(await after.keyFor('consent', expired, now()), 'consent', expired, now())).toBeUndefined();
    expect(unseal(await after.keyFor('consent', asState, now()), 'consent', asState, now())).toBeUndefined();
  });

  it('a failed re-read (Secrets Manager unreachable) opens nothing, throws nothing and is reported', async () => {
    const errors: unknown[] = [];
    const ring = await container((error) => errors.push(error))();
    const foreign = seal(Buffer.alloc(32, 9), 'cognito-state', { exp: now() + 600 });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = await startSecretsManager(0); // another port: the old endpoint refuses connections
    const key = await ring.keyFor('cognito-state', foreign, now());
    expect(unseal(key, 'cognito-state', foreign, now())).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
