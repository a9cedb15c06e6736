import { createHash, randomBytes } from 'node:crypto';
import type { StackInfo } from '../../local/stack.js';
import { signInThroughLoginPage } from './cognito-login.js';

export interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

/**
 * The authorization code flow with PKCE S256 for any registered client and redirect URI (loopback,
 * https or a private-use scheme), through cognito-local's login page as the demo user.
 */
export async function authorizationCodeFlow(
  stack: StackInfo,
  client: { clientId: string; redirectUri: string; scope?: string; clientSecret?: string },
): Promise<Tokens> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${stack.cognitoEndpoint}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    ...(client.scope ? { scope: client.scope } : {}),
  }).toString();
  const redirect = await signInThroughLoginPage(authorize, stack.demoUser);
  if (redirect.searchParams.get('error')) throw new Error(`Authorization refused: ${redirect.searchParams.get('error')}`);
  if (!redirect.href.startsWith(client.redirectUri)) throw new Error(`Redirected to ${redirect.href}`);
  if (redirect.searchParams.get('state') !== state) throw new Error('state mismatch');
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (client.clientSecret) {
    headers.Authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  }
  const response = await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code') ?? '',
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`Token exchange failed: ${await response.text()}`);
  return (await response.json()) as Tokens;
}

export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
