import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Handler } from 'aws-lambda';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { getSecretValue } from '../../lib/aws/secrets-manager.js';
import { offlineEnvironment } from '../../local/offline.js';
import { LOCAL_OAUTH_KEY_SECRET_ID } from '../../local/secrets-manager.js';
import { evaluate, resolveService } from '../../local/service-definition.js';
import { settingsFromEnv } from '../../local/settings.js';
import { authorizationCodeFlow, pkcePair, tokenRequest } from '../support/authorization-code.js';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { initializeRequest, mcpPost, registerPublicClient } from '../support/demo-login.js';
import { lambdaContext, proxyEvent } from '../support/lambda-invocation.js';

/**
 * An operator rotates the facade's sealing key (put-secret-value) while sign-ins are in flight, on
 * the local stack: a consent form and a Cognito state sealed before the rotation still complete,
 * and new sign-ins work after it. Which serverless-offline instance opens what is its choice, so
 * the two paths of oauth/keys.ts are also driven here deterministically: the real oauthAuthorize
 * handler, imported twice in process (two "containers", each with its own module state, on the
 * stack's DynamoDB Local, cognito-local and Secrets Manager stand-in), one started before the
 * rotation and one after. Before the fallback existed, the newer container refused the older one's
 * consent form ("expired" page) and the older one refused the newer one's Cognito state.
 * Only one rotation per test run: a second would end other files' flows sealed under the first key.
 */
describe('a sealing-key rotation does not break sign-ins in flight', () => {
  const stack = inject('stack');
  const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_SECRETS_MANAGER: stack.secretsManagerEndpoint };

  /** A fresh import of the real handler: a new container, which reads the key at its first request. */
  const container = async (): Promise<(event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>> => {
    const port = (url: string) => new URL(url).port;
    const local = offlineEnvironment(settingsFromEnv({
      MCP_LOCAL_PORT: port(stack.baseUrl), MCP_LOCAL_COGNITO_PORT: port(stack.cognitoEndpoint), MCP_LOCAL_DYNAMODB_PORT: port(stack.dynamoDbEndpoint),
      MCP_LOCAL_SECRETS_PORT: port(stack.secretsManagerEndpoint), MCP_LOCAL_DATA_DIR: stack.dataDir,
    }));
    const own = (await resolveService(local)).functionEnvironments?.oauthAuthorize ?? {};
    const environment = { ...local, IS_OFFLINE: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', PUBLIC_BASE_URL: stack.baseUrl, ...Object.fromEntries(Object.entries(own).map(([key, value]) => [key, evaluate(value)])) };
    // The function's environment stays for the test: the handler reads credentials and endpoints at call time too.
    Object.assign(process.env, environment);
    vi.resetModules();
    const { handler } = (await import('../../oauth/authorize-handler.js')) as { handler: Handler };
    return (event) => handler(event, lambdaContext('oauthAuthorize'), () => undefined) as Promise<APIGatewayProxyResult>;
  };
  const savedEnvironment = { ...process.env };
  afterAll(() => {
    process.env = savedEnvironment;
  });
  const cookieOf = (response: APIGatewayProxyResult) => String((response.multiValueHeaders?.['Set-Cookie'] ?? [])[0]).split(';')[0]!;

  it('consent form sealed before, Cognito state sealed before, both complete after; a new sign-in works too', { timeout: 90_000 }, async () => {
    const client = await registerPublicClient(stack, { redirect_uris: ['http://127.0.0.1/cb'] });
    // In process: container A, started before the rotation, shows a consent page (sealed under the old key).
    const before = await container();
    const pkce = pkcePair();
    const shown = await before({
      ...proxyEvent({ method: 'GET', resource: '/authorize' }),
      multiValueQueryStringParameters: {
        response_type: ['code'], client_id: [client.client_id], redirect_uri: ['http://127.0.0.1:41402/cb'], code_challenge: [pkce.challenge],
        code_challenge_method: ['S256'], state: ['in-process'], resource: [stack.mcpUrl],
      },
    });
    expect(shown.statusCode, shown.body).toBe(200);
    const redirectUri = 'http://127.0.0.1:41400/cb';
    const start = async () => {
      const { verifier, challenge } = pkcePair();
      const state = randomBytes(8).toString('hex');
      const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
      const url = new URL(`${stack.baseUrl}/authorize`);
      url.search = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state, resource: stack.mcpUrl }).toString();
      const page = await browser.fetch(url);
      expect(page.status).toBe(200);
      const form = consentForm(await page.text());
      return { verifier, state, browser, form };
    };
    const allow = async (flow: Awaited<ReturnType<typeof start>>) => {
      const response = await flow.browser.fetch(flow.form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: flow.browser.origin },
        body: new URLSearchParams({ request: flow.form.request, decision: 'allow' }).toString(),
      });
      expect(response.status, await response.clone().text()).toBe(302);
      return new URL(response.headers.get('location')!);
    };
    const finish = async (flow: Awaited<ReturnType<typeof start>>, cognitoUrl: URL) => {
      const callback = await signInThroughLoginPage(cognitoUrl, stack.demoUser);
      const back = await flow.browser.fetch(callback);
      expect(back.status, await back.clone().text()).toBe(302);
      const redirect = new URL(back.headers.get('location')!);
      expect(redirect.searchParams.get('state')).toBe(flow.state);
      const token = await tokenRequest(stack, { clientId: client.client_id }, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: flow.verifier });
      expect(token.status, await token.clone().text()).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      expect((await mcpPost(stack, initializeRequest, { token: access_token })).status).toBe(200);
    };

    const atConsent = await start(); // consent form sealed under the old key
    const atCognito = await start();
    const cognitoUrl = await allow(atCognito); // Cognito state sealed under the old key
    const oldSecret = await getSecretValue({ secretId: LOCAL_OAUTH_KEY_SECRET_ID, env });
    const rotated = await fetch(`${stack.secretsManagerEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.PutSecretValue' },
      body: JSON.stringify({ SecretId: LOCAL_OAUTH_KEY_SECRET_ID, SecretString: createHash('sha256').update(randomBytes(32)).digest('base64url') + 'x'.repeat(20) }),
    });
    expect(rotated.status).toBe(200);
    expect(await getSecretValue({ secretId: LOCAL_OAUTH_KEY_SECRET_ID, env }, 'AWSPREVIOUS')).toBe(oldSecret);

    // Container B, started after it, takes A's consent form (AWSPREVIOUS) and seals Cognito's state under the new key...
    const after = await container();
    const allowed = await after(proxyEvent({
      method: 'POST',
      resource: '/consent',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(stack.baseUrl).origin, Cookie: cookieOf(shown) },
      body: new URLSearchParams({ request: consentForm(shown.body).request, decision: 'allow' }).toString(),
    }));
    expect(allowed.statusCode, allowed.body).toBe(302);
    const toCognito = new URL(String(allowed.headers!.Location));
    const fromCognito = await signInThroughLoginPage(toCognito, stack.demoUser);
    // ...which A, still holding the old key, opens at the callback (it learns the new key).
    const query = Object.fromEntries(fromCognito.searchParams);
    const back = await before({
      ...proxyEvent({ method: 'GET', resource: '/oauth/callback', headers: { Cookie: cookieOf(allowed) } }),
      queryStringParameters: query,
      multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    });
    expect(back.statusCode, back.body).toBe(302);
    const atClient = new URL(String(back.headers!.Location));
    expect(atClient.searchParams.get('state')).toBe('in-process');
    expect(atClient.searchParams.get('code')).toBeTruthy();

    await finish(atConsent, await allow(atConsent));
    await finish(atCognito, cognitoUrl);
    await authorizationCodeFlow(stack, { clientId: client.client_id, redirectUri: 'http://127.0.0.1:41401/cb' });
  });
});
