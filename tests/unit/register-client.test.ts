import { describe, expect, it } from 'vitest';
import type { AppClients, PublicAppClientRequest } from '../../dcr/cognito-app-clients.js';
import type { ClientRegistry, RegisteredClient } from '../../dcr/client-registry.js';
import { type ClientMetadata, RegistrationError, parseClientMetadata } from '../../dcr/client-metadata.js';
import {
  type RegistrationPolicy,
  cognitoClientName,
  grantScopes,
  registerClient,
} from '../../dcr/register-client.js';

const RS = 'https://api.example.com/mcp';
const READ = `${RS}/read`;
const WRITE = `${RS}/write`;
const ADMIN = `${RS}/admin`;
const NOW = new Date('2025-06-01T12:00:00.900Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

const policy: RegistrationPolicy = { resourceServerId: RS, allowedScopes: [READ, WRITE], now: () => NOW };

const metadata = (extra: Record<string, unknown> = {}): ClientMetadata =>
  parseClientMetadata({ redirect_uris: ['http://localhost:33418/callback'], ...extra });

class FakeAppClients implements AppClients {
  readonly created: PublicAppClientRequest[] = [];
  readonly deleted: string[] = [];
  deleteError: Error | undefined;

  constructor(private readonly clientId = 'cognito-client-1') {}

  async createPublicClient(request: PublicAppClientRequest): Promise<{ clientId: string }> {
    this.created.push(request);
    return { clientId: this.clientId };
  }

  async deleteClient(clientId: string): Promise<void> {
    this.deleted.push(clientId);
    if (this.deleteError) throw this.deleteError;
  }
}

class FakeRegistry implements ClientRegistry {
  readonly items: RegisteredClient[] = [];
  putError: Error | undefined;

  async put(client: RegisteredClient): Promise<void> {
    if (this.putError) throw this.putError;
    this.items.push(client);
  }
}

describe('grantScopes', () => {
  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('grants every allowed scope when the request is %s', (_label, requested) => {
    const granted = grantScopes(requested, policy);
    expect(granted).toEqual([READ, WRITE]);
    expect(granted).not.toBe(policy.allowedScopes);
  });

  it('accepts short names', () => {
    expect(grantScopes('read', policy)).toEqual([READ]);
  });

  it('accepts full names', () => {
    expect(grantScopes(WRITE, policy)).toEqual([WRITE]);
  });

  it('accepts a mix of short and full names, in the order of the policy', () => {
    expect(grantScopes(`write ${READ}`, policy)).toEqual([READ, WRITE]);
  });

  it('tolerates repeated spaces and duplicates', () => {
    expect(grantScopes('  read   read  write ', policy)).toEqual([READ, WRITE]);
  });

  it('drops unknown scopes', () => {
    expect(grantScopes('read openid profile https://other.example/read', policy)).toEqual([READ]);
  });

  it('never grants admin when the policy does not allow it', () => {
    expect(grantScopes('admin', policy)).toEqual([]);
    expect(grantScopes(ADMIN, policy)).toEqual([]);
    expect(grantScopes(`read admin ${ADMIN}`, policy)).toEqual([READ]);
  });

  it('grants admin when the policy allows it', () => {
    expect(grantScopes('admin read', { ...policy, allowedScopes: [READ, ADMIN] })).toEqual([READ, ADMIN]);
  });

  it('does not grant a scope of another resource server with the same short name', () => {
    expect(grantScopes('https://evil.example/mcp/read', policy)).toEqual([]);
  });

  it('grants nothing when the policy allows nothing', () => {
    expect(grantScopes(undefined, { ...policy, allowedScopes: [] })).toEqual([]);
  });
});

describe('cognitoClientName', () => {
  it('prefixes the client name with dcr', () => {
    expect(cognitoClientName(metadata({ client_name: 'Claude Code' }))).toBe('dcr Claude Code');
  });

  it('keeps the characters Cognito allows', () => {
    expect(cognitoClientName(metadata({ client_name: 'a_b+c=d,e.f@g-h 9' }))).toBe('dcr a_b+c=d,e.f@g-h 9');
  });

  it('strips the characters Cognito refuses', () => {
    expect(cognitoClientName(metadata({ client_name: 'My <App> (beta)! / "v2" ☃ café' }))).toBe('dcr My App beta  v2  caf');
  });

  it('uses a default name when there is none', () => {
    expect(cognitoClientName(metadata())).toBe('dcr MCP client');
  });

  it('uses a default name when nothing is left after stripping', () => {
    expect(cognitoClientName(metadata({ client_name: '<>!?☃' }))).toBe('dcr MCP client');
  });

  it('is at most 128 characters', () => {
    const name = cognitoClientName(metadata({ client_name: 'x'.repeat(128) }));
    expect(name).toHaveLength(128);
    expect(name).toBe(`dcr ${'x'.repeat(124)}`);
  });

  it('only produces characters Cognito allows', () => {
    const name = cognitoClientName(metadata({ client_name: '\u0000<script>alert("x")</script>;DROP TABLE%' }));
    expect(name).toMatch(/^[\w\s+=,.@-]+$/);
  });
});

describe('registerClient', () => {
  it('creates a Cognito client, records it and answers with the registration', async () => {
    const appClients = new FakeAppClients('abc123');
    const registry = new FakeRegistry();
    const response = await registerClient(
      metadata({ client_name: 'Claude <Code>', scope: 'read write admin' }),
      policy,
      { appClients, registry },
    );

    expect(response).toEqual({
      client_id: 'abc123',
      client_id_issued_at: NOW_SECONDS,
      client_name: 'Claude <Code>',
      redirect_uris: ['http://localhost:33418/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: `${READ} ${WRITE}`,
    });
    expect(response).not.toHaveProperty('client_secret');

    expect(appClients.created).toEqual([
      {
        name: 'dcr Claude Code',
        redirectUris: ['http://localhost:33418/callback'],
        scopes: [READ, WRITE],
        allowRefreshTokens: true,
      },
    ]);
    expect(registry.items).toEqual([
      {
        clientId: 'abc123',
        clientName: 'Claude <Code>',
        redirectUris: ['http://localhost:33418/callback'],
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: 'none',
        scope: `${READ} ${WRITE}`,
        clientUri: undefined,
        logoUri: undefined,
        contacts: undefined,
        softwareId: undefined,
        softwareVersion: undefined,
        createdAt: NOW_SECONDS,
      },
    ]);
    expect(appClients.deleted).toEqual([]);
  });

  it('echoes the optional metadata it was given', async () => {
    const response = await registerClient(
      metadata({
        client_uri: 'https://app.example.com',
        logo_uri: 'https://app.example.com/logo.png',
        contacts: ['ops@example.com'],
        software_id: 'app',
        software_version: '2.0',
      }),
      policy,
      { appClients: new FakeAppClients(), registry: new FakeRegistry() },
    );
    expect(response).toMatchObject({
      client_name: 'MCP client',
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
      contacts: ['ops@example.com'],
      software_id: 'app',
      software_version: '2.0',
    });
  });

  it('leaves out optional fields that were not given', async () => {
    const response = await registerClient(metadata(), policy, {
      appClients: new FakeAppClients(),
      registry: new FakeRegistry(),
    });
    for (const field of ['client_uri', 'logo_uri', 'contacts', 'software_id', 'software_version']) {
      expect(response).not.toHaveProperty(field);
    }
  });

  it('does not allow refresh tokens without the refresh_token grant, and dedupes grant types', async () => {
    const appClients = new FakeAppClients();
    const response = await registerClient(
      metadata({ grant_types: ['authorization_code', 'authorization_code'] }),
      policy,
      { appClients, registry: new FakeRegistry() },
    );
    expect(appClients.created[0]?.allowRefreshTokens).toBe(false);
    expect(response.grant_types).toEqual(['authorization_code']);
  });

  it('uses the current time when the policy has no clock', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await registerClient(metadata(), { resourceServerId: RS, allowedScopes: [READ] }, {
      appClients: new FakeAppClients(),
      registry: new FakeRegistry(),
    });
    const after = Math.floor(Date.now() / 1000);
    expect(response.client_id_issued_at).toBeGreaterThanOrEqual(before);
    expect(response.client_id_issued_at).toBeLessThanOrEqual(after);
  });

  it('deletes the Cognito client and rethrows when the registry fails', async () => {
    const appClients = new FakeAppClients('created-id');
    const registry = new FakeRegistry();
    const failure = new Error('ConditionalCheckFailed');
    registry.putError = failure;
    const orphans: string[] = [];

    await expect(
      registerClient(metadata(), policy, { appClients, registry, onOrphan: (id) => orphans.push(id) }),
    ).rejects.toBe(failure);
    expect(appClients.deleted).toEqual(['created-id']);
    expect(orphans).toEqual([]);
  });

  it('reports the orphaned client id when the delete also fails, and rethrows the registry error', async () => {
    const appClients = new FakeAppClients('orphan-id');
    const deleteFailure = new Error('Cognito unavailable');
    appClients.deleteError = deleteFailure;
    const registry = new FakeRegistry();
    const failure = new Error('DynamoDB unavailable');
    registry.putError = failure;
    const orphans: Array<[string, unknown]> = [];

    await expect(
      registerClient(metadata(), policy, {
        appClients,
        registry,
        onOrphan: (id, error) => orphans.push([id, error]),
      }),
    ).rejects.toBe(failure);
    expect(appClients.deleted).toEqual(['orphan-id']);
    expect(orphans).toEqual([['orphan-id', deleteFailure]]);
  });

  it('still rethrows the registry error when the delete fails and nobody listens for orphans', async () => {
    const appClients = new FakeAppClients();
    appClients.deleteError = new Error('Cognito unavailable');
    const registry = new FakeRegistry();
    const failure = new Error('DynamoDB unavailable');
    registry.putError = failure;
    await expect(registerClient(metadata(), policy, { appClients, registry })).rejects.toBe(failure);
  });

  it('creates no Cognito client when no requested scope can be granted', async () => {
    const appClients = new FakeAppClients();
    const registry = new FakeRegistry();
    const attempt = registerClient(metadata({ scope: 'admin openid' }), policy, { appClients, registry });
    await expect(attempt).rejects.toBeInstanceOf(RegistrationError);
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid_client_metadata',
      description: 'scope: none of the requested scopes can be granted',
    });
    expect(appClients.created).toEqual([]);
    expect(registry.items).toEqual([]);
  });

  it('propagates a Cognito failure without writing to the registry', async () => {
    const appClients = new FakeAppClients();
    const failure = new Error('InvalidParameterException');
    appClients.createPublicClient = async () => Promise.reject(failure);
    const registry = new FakeRegistry();
    await expect(registerClient(metadata(), policy, { appClients, registry })).rejects.toBe(failure);
    expect(registry.items).toEqual([]);
    expect(appClients.deleted).toEqual([]);
  });
});
