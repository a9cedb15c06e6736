import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { createDocumentClient } from '../../lib/dynamodb/document-client.js';
import { authorizationCodeFlow, jwtClaims, pkcePair, tokenRequest } from '../support/authorization-code.js';
import { initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';

/** CIMD through the local stack: one app client per document URL, refreshed by its cache lifetime. */
describe('Client ID Metadata Documents at /authorize', () => {
  const stack = inject('stack');
  const cimd = inject('cimd');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  const documents = createDocumentClient(dynamodb);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });
  const cimdAppClients = async () =>
    ((await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: stack.userPoolId, MaxResults: 60 }))).UserPoolClients ?? []).filter((c) =>
      c.ClientName?.startsWith('dcr cimd '),
    ).length;
  const publish = (body: Record<string, unknown> | string, headers?: Record<string, string>) => {
    const name = `doc-${crypto.randomUUID().slice(0, 8)}`;
    const url = `${cimd.origin}/${name}.json`;
    const text = typeof body === 'string' ? body : JSON.stringify({ client_id: url, client_name: 'CIMD test', redirect_uris: ['http://127.0.0.1/cb'], ...body });
    writeFileSync(join(cimd.dir, `${name}.json`), text);
    if (headers) writeFileSync(join(cimd.dir, `${name}.headers.json`), JSON.stringify(headers));
    return { url, name, rewrite: (next: Record<string, unknown>) => writeFileSync(join(cimd.dir, `${name}.json`), JSON.stringify({ client_id: url, client_name: 'CIMD test', ...next })) };
  };
  const authorize = (clientId: string, redirectUri: string) => {
    const url = new URL(`${stack.baseUrl}/authorize`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkcePair().challenge, code_challenge_method: 'S256', state: 's' }).toString();
    return fetch(url, { redirect: 'manual' });
  };

  it('first use: one app client and two rows (source cimd); again: nothing new; tokens work and refresh', async () => {
    const doc = publish({});
    const before = await cimdAppClients();
    const tokens = await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri: 'http://127.0.0.1:45678/cb' });
    expect(await cimdAppClients()).toBe(before + 1);
    const alias = (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId: doc.url } }))).Item!;
    expect(alias).toMatchObject({ kind: 'cimd', redirectUris: ['http://127.0.0.1/cb'] });
    const row = (await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId: alias.aliasOf } }))).Item!;
    expect(row).toMatchObject({ source: 'cimd', cimdUrl: doc.url, status: 'active' });
    expect(jwtClaims(tokens.access_token).client_id).toBe(alias.aliasOf);
    await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri: 'http://127.0.0.1:45679/cb' });
    expect(await cimdAppClients()).toBe(before + 1);
    const refreshed = await tokenRequest(stack, { clientId: doc.url }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
  });

  it('five parallel first uses of one URL make one app client', async () => {
    const doc = publish({});
    const before = await cimdAppClients();
    const pages = await Promise.all(Array.from({ length: 5 }, () => authorize(doc.url, 'http://127.0.0.1:5000/cb')));
    for (const page of pages) expect(page.status).toBe(200);
    expect(await cimdAppClients()).toBe(before + 1);
  });

  it('changed redirect URIs take effect once the cache lifetime has passed', async () => {
    const doc = publish({ redirect_uris: ['https://old.example.org/cb'] }, { 'Cache-Control': 'max-age=0' });
    expect((await authorize(doc.url, 'https://old.example.org/cb')).status).toBe(200);
    doc.rewrite({ redirect_uris: ['https://new.example.org/cb'] });
    // The stored document is fresh for the lower bound (CIMD_CACHE_MIN_SECONDS, 300 s): age it.
    await documents.send(new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
      TableName: 'secure-mcp-local-clients', Key: { clientId: doc.url }, UpdateExpression: 'SET cacheUntil = :past', ExpressionAttributeValues: { ':past': 1 },
    }));
    expect((await authorize(doc.url, 'https://new.example.org/cb')).status).toBe(200);
    expect((await authorize(doc.url, 'https://old.example.org/cb')).status).toBe(400);
  });

  it.each([
    ['client_id mismatch', { client_id: 'https://elsewhere.example.com/doc.json' }],
    ['a confidential method', { token_endpoint_auth_method: 'client_secret_basic' }],
    ['no redirect URIs', { redirect_uris: [] }],
    ['no client name', { client_name: '' }],
  ])('an invalid document (%s) is an error page and creates nothing', async (_name, body) => {
    const doc = publish(body);
    const before = await cimdAppClients();
    const page = await authorize(doc.url, 'http://127.0.0.1:5000/cb');
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('metadata document');
    expect(await cimdAppClients()).toBe(before);
    expect((await documents.send(new GetCommand({ TableName: 'secure-mcp-local-clients', Key: { clientId: doc.url } }))).Item).toBeUndefined();
  });

  it('a document URL that is not allowed (http, or a loopback origin not listed) is refused before any fetch', async () => {
    for (const url of ['http://localhost:1/doc.json', 'https://localhost:1/doc.json', 'https://127.0.0.1/doc.json']) {
      const page = await authorize(url, 'http://127.0.0.1:5000/cb');
      expect(page.status, url).toBe(400);
    }
  });

  const revoke = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });

  it('/revoke takes the document URL as client_id: access and refresh tokens of its app client are revoked', async () => {
    const doc = publish({});
    const tokens = await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri: 'http://127.0.0.1:45680/cb' });
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
    const revokedAccess = await revoke({ token: tokens.access_token, token_type_hint: 'access_token', client_id: doc.url });
    expect(revokedAccess.status, await revokedAccess.clone().text()).toBe(200);
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(401);
    const revokedRefresh = await revoke({ token: tokens.refresh_token!, client_id: doc.url });
    expect(revokedRefresh.status, await revokedRefresh.clone().text()).toBe(200);
    const refused = await tokenRequest(stack, { clientId: doc.url }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('/revoke with a document URL refuses a token of another client, and bad client input stays 4xx', async () => {
    const doc = publish({});
    await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri: 'http://127.0.0.1:45681/cb' });
    const other = await signInDemoUser(stack);
    const foreign = await revoke({ token: other.accessToken, client_id: doc.url });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'unauthorized_client' });
    expect((await mcpPost(stack, initializeRequest, { token: other.accessToken })).status).toBe(200);
    const cases: [string, Record<string, string>, Record<string, string>?][] = [
      ['a URL never used', { token: other.accessToken, client_id: publish({}).url }],
      ['a secret with the URL', { token: other.accessToken, client_id: doc.url, client_secret: 'x' }],
      ['the URL in Basic', { token: other.accessToken }, { Authorization: `Basic ${Buffer.from(`${doc.url}:x`).toString('base64')}` }],
      ['a URL that is not http(s)', { token: other.accessToken, client_id: 'ftp://example.com/doc.json' }],
    ];
    for (const [name, fields, headers] of cases) {
      const response = await revoke(fields, headers);
      expect(response.status, name).toBe(401);
      expect(await response.json(), name).toMatchObject({ error: 'invalid_client' });
    }
    expect((await mcpPost(stack, initializeRequest, { token: other.accessToken })).status).toBe(200);
  });

  it('/revoke refuses a CIMD client\'s bare Cognito app client id, as /token does: the client is known only by its URL', async () => {
    const doc = publish({});
    const tokens = await authorizationCodeFlow(stack, { clientId: doc.url, redirectUri: 'http://127.0.0.1:45682/cb' });
    const appClientId = jwtClaims(tokens.access_token).client_id as string;
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      const response = await revoke({ token, client_id: appClientId });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client', error_description: expect.stringContaining('metadata document URL') });
    }
    // Nothing was revoked: the access token still reaches /mcp, the refresh token still refreshes.
    expect((await mcpPost(stack, initializeRequest, { token: tokens.access_token })).status).toBe(200);
    const refreshed = await tokenRequest(stack, { clientId: doc.url }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    // And /token refuses the bare id the same way.
    const atToken = await tokenRequest(stack, { clientId: appClientId }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(atToken.status).toBe(401);
    expect(await atToken.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('the metadata advertises CIMD', async () => {
    const metadata = await (await fetch(`${stack.baseUrl}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.client_id_metadata_document_supported).toBe(true);
  });
});
