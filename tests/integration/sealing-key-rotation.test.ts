import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { getSecretValue } from '../../lib/aws/secrets-manager.js';
import { LOCAL_OAUTH_KEY_SECRET_ID } from '../../local/secrets-manager.js';
import { authorizationCodeFlow, pkcePair, tokenRequest } from '../support/authorization-code.js';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { initializeRequest, mcpPost, registerPublicClient } from '../support/demo-login.js';

/**
 * An operator rotates the facade's sealing key (put-secret-value) while sign-ins are in flight, on
 * the local stack: a consent form and a Cognito state sealed before the rotation still complete,
 * and new sign-ins work after it. Which function instance opens what is serverless-offline's
 * choice (warm instances keep the key they read; new ones read the new AWSCURRENT and fall back to
 * AWSPREVIOUS), so both paths of oauth/keys.ts are exercised one-by-one in
 * tests/unit/sealing-key-rotation.test.ts; this file shows the whole stack survives a rotation.
 * Only one rotation per test run: a second would end other files' flows sealed under the first key.
 */
describe('a sealing-key rotation does not break sign-ins in flight', () => {
  const stack = inject('stack');
  const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_SECRETS_MANAGER: stack.secretsManagerEndpoint };

  it('consent form sealed before, Cognito state sealed before, both complete after; a new sign-in works too', async () => {
    const client = await registerPublicClient(stack, { redirect_uris: ['http://127.0.0.1/cb'] });
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
    const before = await getSecretValue({ secretId: LOCAL_OAUTH_KEY_SECRET_ID, env });
    const rotated = await fetch(`${stack.secretsManagerEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.PutSecretValue' },
      body: JSON.stringify({ SecretId: LOCAL_OAUTH_KEY_SECRET_ID, SecretString: createHash('sha256').update(randomBytes(32)).digest('base64url') + 'x'.repeat(20) }),
    });
    expect(rotated.status).toBe(200);
    expect(await getSecretValue({ secretId: LOCAL_OAUTH_KEY_SECRET_ID, env }, 'AWSPREVIOUS')).toBe(before);

    await finish(atConsent, await allow(atConsent));
    await finish(atCognito, cognitoUrl);
    await authorizationCodeFlow(stack, { clientId: client.client_id, redirectUri: 'http://127.0.0.1:41401/cb' });
  });
});
