import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';

/**
 * RFC 7009 revocation end to end: /revoke records an access token's jti, the authorizer refuses
 * the token at once (serverless-offline does not cache authorizer results; deployed, the bound is
 * authorizerCacheTtl); a refresh token goes to Cognito's RevokeToken (cognito-local implements it).
 */
describe('POST /revoke', () => {
  const stack = inject('stack');
  let session: DemoSession;
  let other: DemoSession;

  beforeAll(async () => {
    [session, other] = await Promise.all([signInDemoUser(stack), signInDemoUser(stack)]);
  });

  const revoke = (fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${stack.baseUrl}/revoke`, { method: 'POST', headers: { 'Content-Type': contentType }, body: new URLSearchParams(fields) });
  const refresh = (token: string, clientId: string) =>
    fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId }),
    });

  it('revokes an access token: the authorizer refuses it from then on, other tokens keep working', async () => {
    expect((await mcpPost(stack, initializeRequest, { token: session.accessToken })).status).toBe(200);
    const response = await revoke({ token: session.accessToken, token_type_hint: 'access_token', client_id: session.clientId });
    expect(response.status).toBe(200);
    const refused = await mcpPost(stack, initializeRequest, { token: session.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await mcpPost(stack, initializeRequest, { token: other.accessToken })).status).toBe(200);
  });

  it('revokes a refresh token in Cognito, whatever the hint says', async () => {
    expect((await refresh(other.refreshToken, other.clientId)).status).toBe(200);
    const response = await revoke({ token: other.refreshToken, token_type_hint: 'access_token', client_id: other.clientId });
    expect(response.status).toBe(200);
    const refused = await refresh(other.refreshToken, other.clientId);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 200 for a token it does not know (RFC 7009 §2.2)', async () => {
    expect((await revoke({ token: 'not-a-token-at-all', client_id: session.clientId })).status).toBe(200);
  });

  it('refuses to revoke a token issued to another client', async () => {
    const fresh = await signInDemoUser(stack);
    const response = await revoke({ token: fresh.accessToken, client_id: session.clientId });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
    expect((await mcpPost(stack, initializeRequest, { token: fresh.accessToken })).status).toBe(200);
  });

  it.each([
    ['no token', { client_id: 'x' }, 400, 'invalid_request'],
    ['no client authentication', { token: 'abc' }, 401, 'invalid_client'],
    ['an unknown client', { token: 'abc', client_id: 'no-such-client' }, 401, 'invalid_client'],
  ])('refuses a request with %s', async (_name, fields, status, error) => {
    const response = await revoke(fields as Record<string, string>);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error, error_description: expect.any(String) });
  });

  it('refuses a JSON body: the endpoint takes form-encoded parameters', async () => {
    const response = await fetch(`${stack.baseUrl}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: session.accessToken, client_id: session.clientId }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body });
  /** The Basic challenge RFC 6749 §5.2 asks for; API Gateway (and a gateway as strict as it) delivers it renamed. */
  const challengeOf = (response: Response) =>
    response.headers.get('www-authenticate') ?? response.headers.get('x-amzn-remapped-www-authenticate');

  describe('client authentication and request shape (RFC 6749 §2.3, §5.2; RFC 7009 §2.2.1)', () => {
    it.each([
      ['a client_id over 2,048 bytes (DynamoDB key size)', { token: 'abc', client_id: 'a'.repeat(2100) }],
      ['a client_id of 129 characters', { token: 'abc', client_id: 'a'.repeat(129) }],
      ['a client_id outside Cognito\'s pattern [\\w+]+', { token: 'abc', client_id: 'abc/../def' }],
    ])('refuses %s with 401 invalid_client', async (_name, fields) => {
      const response = await revoke(fields);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    });

    it.each([
      ['not valid percent-encoding', basic('%zz', 'x')],
      ['a secret that is not valid percent-encoding', basic('abc', '%E0%A4%A')],
      ['a client id over 2,048 bytes', basic('a'.repeat(2100), 'x')],
      ['no colon', `Basic ${Buffer.from('justaname').toString('base64')}`],
      ['an empty client id', basic('', 'x')],
      ['an unknown client', basic('nosuchclient', 'x')],
    ])('refuses Basic credentials with %s: 401 invalid_client and a Basic challenge', async (_name, authorization) => {
      const response = await post(new URLSearchParams({ token: 'abc' }).toString(), { Authorization: authorization });
      expect(response.status).toBe(401);
      expect(challengeOf(response)).toMatch(/^Basic realm="[^"]+"/);
      expect(await response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    });

    it.each([
      ['the token twice', () => `token=a&token=b&client_id=${session.clientId}`],
      ['client_id twice', () => `token=a&client_id=${session.clientId}&client_id=${other.clientId}`],
      ['token_type_hint twice', () => `token=a&token_type_hint=access_token&token_type_hint=refresh_token&client_id=${session.clientId}`],
    ])('refuses a form with %s: 400 invalid_request', async (_name, body) => {
      const response = await post(body());
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });

    it('refuses Basic credentials and a different client_id in the body: 400 invalid_request', async () => {
      const response = await post(new URLSearchParams({ token: 'abc', client_id: other.clientId }).toString(), {
        Authorization: basic(session.clientId, 'x'),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a body over its bound: 413 invalid_request', async () => {
      const response = await revoke({ token: 'a'.repeat(1_000_000), client_id: session.clientId });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });
  });

  describe('tokens that cannot be ours (RFC 7009 §2.2: 200, and nothing reaches DynamoDB or Cognito)', () => {
    const dynamodb = localDynamoDbClient(stack.dynamoDbEndpoint);
    afterAll(() => dynamodb.destroy());
    let client: DemoSession;
    beforeAll(async () => {
      client = await signInDemoUser(stack);
    });

    it.each([
      ['longer than any Cognito token (16 KiB + 1)', () => 'a'.repeat(16_385)],
      ['characters outside Cognito\'s token pattern', () => 'abc def<script>'],
      ['a JWT-shaped token with a bad character', () => `${client.accessToken.slice(0, -2)}!!`],
    ])('answers 200 for a token %s', async (_name, token) => {
      const response = await revoke({ token: token(), client_id: client.clientId });
      expect(response.status).toBe(200);
    });

    it('wrote no revocation for any of them, and the client\'s tokens still work', async () => {
      const rows = await dynamodb.send(new ScanCommand({ TableName: 'secure-mcp-local-revocations' }));
      expect((rows.Items ?? []).filter((item) => item.revokedBy?.S === client.clientId)).toEqual([]);
      expect((await mcpPost(stack, initializeRequest, { token: client.accessToken })).status).toBe(200);
    });
  });

  it('logs only known token_type_hint values: a 20 kB hint leaves a short line and none of its text', async () => {
    const marker = `hint-marker-${crypto.randomUUID()}-`;
    const hint = marker.repeat(Math.ceil(20_000 / marker.length));
    const response = await revoke({ token: 'not-a-token-at-all', token_type_hint: hint, client_id: session.clientId });
    expect(response.status).toBe(200);
    // serverless-offline writes the function's log lines (as CloudWatch Logs would hold them) to offline.log.
    const logFile = join(stack.dataDir, 'logs', 'offline.log');
    let lines: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      lines = readFileSync(logFile, 'utf8').split('\n');
      if (lines.some((line) => line.includes(marker) || line.includes('"hint":"other"'))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lines.filter((line) => line.includes(marker)).map((line) => line.length)).toEqual([]);
    const logged = lines.filter((line) => line.includes('"message":"Revocation request"') && line.includes('"hint":"other"'));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line.length).toBeLessThan(1000);
  });
});
