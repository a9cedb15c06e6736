import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCognitoClient } from '../../local/cognito.js';
import { listAppClients } from '../support/cognito-app-clients.js';
import { localDynamoDbClient } from '../../local/dynamodb.js';

/**
 * The bad-input corpus: registration requests that must be refused with the right RFC 7591 error
 * over HTTP, through the real gateway, function, cognito-local and DynamoDB Local. Every JSON body
 * carries the marker client name "corpus …", so the last test can prove that none of them created
 * a Cognito app client or a registry row, even while other test files register clients in parallel.
 */
const MARK = 'corpus';
const CLIENTS_TABLE = 'secure-mcp-local-clients';
type Case = [name: string, body: string, status: number, error: string, contentType?: string | null];

const json = (name: string, fields: Record<string, unknown>) =>
  JSON.stringify({ client_name: `${MARK} ${name}`.slice(0, 128), redirect_uris: ['https://app.example.com/cb'], ...fields });
const redirect = (name: string, uris: unknown): Case => [`redirect_uris: ${name}`, json(name, { redirect_uris: uris }), 400, 'invalid_redirect_uri'];
const field = (name: string, fields: Record<string, unknown>): Case => [name, json(name, fields), 400, 'invalid_client_metadata'];

const corpus: Case[] = [
  // Redirect URIs of every dangerous kind.
  ['redirect_uris missing', JSON.stringify({ client_name: `${MARK} missing` }), 400, 'invalid_redirect_uri'],
  redirect('empty list', []),
  redirect('a string, not a list', 'https://app.example.com/cb'),
  redirect('a number in the list', [42]),
  redirect('null in the list', [null]),
  redirect('javascript:', ['javascript:alert(document.cookie)']),
  redirect('JavaScript: in mixed case', ['JaVaScRiPt:alert(1)']),
  redirect('data:', ['data:text/html,<script>alert(1)</script>']),
  redirect('file:', ['file:///etc/passwd']),
  redirect('vbscript:', ['vbscript:msgbox(1)']),
  redirect('blob:', ['blob:https://app.example.com/1234']),
  redirect('about:', ['about:blank']),
  redirect('ftp:', ['ftp://app.example.com/cb']),
  redirect('ws:', ['ws://localhost:8080/cb']),
  redirect('chrome-extension:', ['chrome-extension://abcdef/cb']),
  redirect('an unknown single-word scheme', ['myapp:/cb']),
  redirect('http on a public host', ['http://evil.example.com/cb']),
  redirect('http on a host that starts with localhost', ['http://localhost.evil.example.com/cb']),
  redirect('http on 0.0.0.0', ['http://0.0.0.0:8080/cb']),
  redirect('a fragment', ['https://app.example.com/cb#access_token']),
  redirect('an empty fragment', ['https://app.example.com/cb#']),
  redirect('a wildcard host', ['https://*.example.com/cb']),
  redirect('a wildcard path', ['https://app.example.com/*']),
  redirect('a relative URI', ['/oauth/callback']),
  redirect('no scheme', ['app.example.com/cb']),
  redirect('credentials in the URI', ['https://user:secret@app.example.com/cb']),
  redirect('https without slashes', ['https:app.example.com/cb']),
  redirect('https without a host', ['https:///cb']),
  redirect('a space', ['https://app.example.com/c b']),
  redirect('a control character', ['https://app.example.com/cb\u0000']),
  redirect('a newline (header injection)', ['https://app.example.com/cb\r\nSet-Cookie: x=1']),
  redirect('longer than 1024 characters', [`https://app.example.com/${'a'.repeat(1100)}`]),
  redirect('11 URIs', Array.from({ length: 11 }, (_, i) => `http://localhost:${5000 + i}/cb`)),
  redirect('a huge list (200)', Array.from({ length: 200 }, (_, i) => `http://localhost:${5000 + i}/cb`)),
  redirect('the same URI twice', ['https://app.example.com/cb', 'https://app.example.com/cb']),
  redirect('one good, one bad', ['https://app.example.com/cb', 'javascript:alert(1)']),
  // Parser differentials: accepted only in the form browsers read (the WHATWG serialisation).
  redirect('a backslash before @ (browsers: claude.ai, RFC 3986: evil.com)', ['https://claude.ai\\@evil.com/cb']),
  redirect('backslashes for slashes on loopback', ['http:\\\\localhost:8080/cb']),
  redirect('empty userinfo', ['https://@app.example.com/cb']),
  redirect('a percent-encoded dot in the host', ['https://app%2Eexample.com/cb']),
  redirect('an upper-case host', ['https://APP.example.com/cb']),
  redirect('the default port :443', ['https://app.example.com:443/cb']),
  redirect('a trailing dot in the host', ['https://app.example.com./cb']),
  redirect('an IDN host in Unicode', ['https://\u00e4pp.example.com/cb']),
  redirect('a dot segment', ['https://app.example.com/x/../cb']),
  redirect('IPv4 as a number', ['https://2130706433/cb']),
  redirect('the same loopback URI with and without the root path', ['http://localhost:8080', 'http://localhost:8080/']),
  // Auth methods, grant and response types.
  field('auth method private_key_jwt', { token_endpoint_auth_method: 'private_key_jwt' }),
  field('auth method tls_client_auth', { token_endpoint_auth_method: 'tls_client_auth' }),
  field('auth method of the wrong type', { token_endpoint_auth_method: 1 }),
  field('the implicit grant', { grant_types: ['implicit'] }),
  // Grant and response types are a menu (values not served are dropped), but one of them must be usable.
  field('the password grant alone', { grant_types: ['password'] }),
  field('the device code grant', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }),
  field('refresh_token without authorization_code', { grant_types: ['refresh_token'] }),
  field('client_credentials while the operator has not enabled it', {
    grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [],
  }),
  field('client_credentials for a public client', { grant_types: ['client_credentials'], redirect_uris: [] }),
  field('an empty grant_types list', { grant_types: [] }),
  field('grant_types as a string', { grant_types: 'authorization_code' }),
  field('the token response type', { response_types: ['token'] }),
  field('id_token alone', { response_types: ['id_token'] }),
  field('no response type for the code grant', { response_types: [] }),
  // Bounded, validated metadata fields.
  field('client_name too long', { client_name: `${MARK} ${'n'.repeat(200)}` }),
  field('client_name with a control character', { client_name: `${MARK} bell\u0007` }),
  ['client_name of the wrong type', JSON.stringify({ client_name: 7, redirect_uris: ['https://app.example.com/cb'], software_id: MARK }), 400, 'invalid_client_metadata'],
  field('client_uri over http', { client_uri: 'http://app.example.com' }),
  field('logo_uri javascript:', { logo_uri: 'javascript:alert(1)' }),
  field('logo_uri data:', { logo_uri: 'data:image/svg+xml,<svg onload=alert(1)>' }),
  field('tos_uri ftp:', { tos_uri: 'ftp://app.example.com/tos' }),
  field('policy_uri too long', { policy_uri: `https://app.example.com/${'p'.repeat(1100)}` }),
  field('scope as a list', { scope: ['read'] }),
  field('scope too long', { scope: 'read '.repeat(300) }),
  field('six contacts', { contacts: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io', 'f@x.io'] }),
  field('a contact that is not an e-mail address', { contacts: ['call me'] }),
  field('software_id too long', { software_id: 's'.repeat(257) }),
  field('software_version too long', { software_version: 'v'.repeat(65) }),
  // Malformed requests.
  ['a repeated key', `{"client_name":"${MARK} dup","redirect_uris":["https://app.example.com/cb"],"redirect_uris":["javascript:alert(1)"]}`, 400, 'invalid_client_metadata'],
  ['a repeated key written with an escape', `{"client_name":"${MARK} dup2","redirect_uris":["https://a.example.com/cb"],"redirect\\u005furis":["https://b.example.com/cb"]}`, 400, 'invalid_client_metadata'],
  ['malformed JSON', `{"client_name":"${MARK}","redirect_uris": [`, 400, 'invalid_client_metadata'],
  ['a JSON array', `[{"client_name":"${MARK}"}]`, 400, 'invalid_client_metadata'],
  ['a JSON string', `"${MARK}"`, 400, 'invalid_client_metadata'],
  ['JSON null', 'null', 400, 'invalid_client_metadata'],
  ['an empty body', '', 400, 'invalid_client_metadata'],
  ['text/plain', json('text/plain', {}), 400, 'invalid_client_metadata', 'text/plain'],
  ['a form body', `client_name=${MARK}&redirect_uris=https://app.example.com/cb`, 400, 'invalid_client_metadata', 'application/x-www-form-urlencoded'],
  ['no content type', json('no content type', {}), 400, 'invalid_client_metadata', null],
  ['an oversized body', json('huge', { software_statement: 'x'.repeat(20_000) }), 413, 'invalid_client_metadata'],
];

describe('registration bad-input corpus (POST /register)', () => {
  const stack = inject('stack');
  const cognito = localCognitoClient(stack.cognitoEndpoint);
  const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
  afterAll(() => {
    cognito.destroy();
    dynamodb.destroy();
  });

  it('has at least 50 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
  });

  it.each(corpus)('refuses %s', async (_name, body, status, error, contentType) => {
    const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType ?? 'application/json' };
    const response = await fetch(`${stack.baseUrl}/register`, { method: 'POST', headers, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const answer = (await response.json()) as { error: string; error_description: string };
    expect(answer).toEqual({ error, error_description: expect.any(String) });
    expect(answer.error_description.length).toBeGreaterThan(10);
    expect(answer.error_description).not.toMatch(/at .*\.(js|ts|mjs):\d+|Exception/);
  });

  it('names the field and the reason', async () => {
    const answer = await (
      await fetch(`${stack.baseUrl}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: json('naming', { redirect_uris: ['https://app.example.com/cb', 'http://evil.example.com/cb'] }),
      })
    ).json();
    expect(answer).toEqual({
      error: 'invalid_redirect_uri',
      error_description: 'redirect_uris.1 uses http on a host that is not loopback (use https)',
    });
  });

  it('created no Cognito app client and no registry row for any of them', async () => {
    // A valid registration first, to show that the listing below sees what registration creates.
    const control = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'listing check', redirect_uris: ['https://app.example.com/cb'] }),
    });
    expect(control.status).toBe(201);
    const names = (await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientName ?? '');
    expect(names).toContain('dcr listing check');
    expect(names.filter((name) => name.includes(MARK))).toEqual([]);
    const rows = await dynamodb.send(new ScanCommand({ TableName: CLIENTS_TABLE }));
    const marked = (rows.Items ?? []).filter(
      (item) => item.clientName?.S?.includes(MARK) || item.softwareId?.S === MARK,
    );
    expect(marked).toEqual([]);
  });
});
