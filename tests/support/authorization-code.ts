import { createHash, randomBytes } from 'node:crypto';
import type { StackInfo } from '../../local/stack.js';
import { BrowserFetch, consentForm } from './browser-fetch.js';
import { signInThroughLoginPage } from './cognito-login.js';

export interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  expires_in?: number;
}

export interface FlowClient {
  clientId: string;
  redirectUri: string;
  scope?: string;
  clientSecret?: string;
  /** How a confidential client authenticates at /token (default Basic). */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  resource?: string;
}

/** Everything one authorization through the facade saw, for tests that assert on the steps. */
export interface AuthorizationRun {
  authorizeUrl: URL;
  /** The consent page, when the client needed one. */
  consentHtml?: string;
  /** Where the callback sent the browser: the client's redirect URI with code, state and iss. */
  redirect: URL;
  state: string;
  verifier: string;
  browser: BrowserFetch;
}

export const pkcePair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/**
 * The browser half of the authorization code flow with PKCE S256 through the facade:
 * {base}/authorize → consent (Allow) when the client needs it → cognito-local's login page as
 * the demo user → {base}/oauth/callback → the client's redirect URI.
 */
export async function authorizeThroughFacade(
  stack: StackInfo,
  client: FlowClient,
  options: { user?: { username: string; password: string }; extra?: Record<string, string>; browser?: BrowserFetch } = {},
): Promise<AuthorizationRun> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const browser = options.browser ?? new BrowserFetch(new URL(stack.baseUrl).origin);
  const authorizeUrl = new URL(`${stack.baseUrl}/authorize`);
  authorizeUrl.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    resource: client.resource ?? stack.mcpUrl,
    ...(client.scope ? { scope: client.scope } : {}),
    ...options.extra,
  }).toString();
  const { consentHtml, redirect } = await followAuthorization(stack, authorizeUrl, browser, options.user);
  return { authorizeUrl, consentHtml, redirect, state, verifier, browser };
}

/**
 * What a person does in the browser from an authorization URL a client printed: the consent page
 * (Allow) when there is one, cognito-local's login page, the facade callback. Returns where the
 * browser is sent last: the client's redirect URI with code (or error), state and iss.
 */
export async function followAuthorization(
  stack: StackInfo,
  authorizeUrl: URL,
  browser: BrowserFetch,
  user: { username: string; password: string } = stack.demoUser,
): Promise<{ consentHtml?: string; redirect: URL }> {
  let response = await browser.fetch(authorizeUrl);
  let consentHtml: string | undefined;
  if (response.status === 200) {
    consentHtml = await response.text();
    const form = consentForm(consentHtml);
    response = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
      body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
    });
  }
  if (response.status !== 302) throw new Error(`Authorization did not reach Cognito (HTTP ${response.status}): ${(await response.text()).slice(0, 300)}`);
  const cognitoUrl = new URL(response.headers.get('location')!);
  if (cognitoUrl.searchParams.get('error')) return { consentHtml, redirect: cognitoUrl };
  const callback = await signInThroughLoginPage(cognitoUrl, user);
  const back = await browser.fetch(callback);
  if (back.status !== 302) throw new Error(`Callback answered ${back.status}: ${(await back.text()).slice(0, 300)}`);
  return { consentHtml, redirect: new URL(back.headers.get('location')!) };
}

export function tokenRequest(
  stack: StackInfo,
  client: Pick<FlowClient, 'clientId' | 'clientSecret' | 'authMethod'>,
  parameters: Record<string, string>,
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const body: Record<string, string> = { ...parameters };
  if (client.clientSecret && client.authMethod === 'client_secret_post') {
    body.client_id = client.clientId;
    body.client_secret = client.clientSecret;
  } else if (client.clientSecret) {
    headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  } else {
    body.client_id = client.clientId;
  }
  return fetch(`${stack.baseUrl}/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
}

/** The whole flow: authorization through the facade, then the code at {base}/token. */
export async function authorizationCodeFlow(
  stack: StackInfo,
  client: FlowClient,
  options: { user?: { username: string; password: string } } = {},
): Promise<Tokens> {
  const run = await authorizeThroughFacade(stack, client, options);
  const { redirect } = run;
  if (redirect.searchParams.get('error')) throw new Error(`Authorization refused: ${redirect.searchParams.get('error')}`);
  if (!redirect.href.startsWith(client.redirectUri.replace(/\/$/, ''))) throw new Error(`Redirected to ${redirect.href}`);
  if (redirect.searchParams.get('state') !== run.state) throw new Error('state mismatch');
  if (redirect.searchParams.get('iss') !== stack.baseUrl) throw new Error(`iss mismatch: ${redirect.searchParams.get('iss')}`);
  const response = await tokenRequest(stack, client, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code') ?? '',
    redirect_uri: client.redirectUri,
    code_verifier: run.verifier,
  });
  if (!response.ok) throw new Error(`Token exchange failed: ${await response.text()}`);
  return (await response.json()) as Tokens;
}

export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
