import { createHash, randomBytes } from 'node:crypto';
import type { StackInfo } from '../../local/stack.js';
import { signInThroughLoginPage } from './cognito-login.js';

export interface DemoSession {
  clientId: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export const REDIRECT_URI = 'http://localhost:53682/callback';

export async function registerPublicClient(stack: StackInfo, metadata: Record<string, unknown> = {}) {
  const response = await fetch(`${stack.baseUrl}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'integration test', redirect_uris: [REDIRECT_URI], ...metadata }),
  });
  if (response.status !== 201) throw new Error(`Registration failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { client_id: string; redirect_uris: string[]; scope: string };
}

/**
 * Real tokens for the demo user, obtained the way a client does: dynamic registration, then the
 * authorization code flow with PKCE through cognito-local's login page.
 */
export async function signInDemoUser(
  stack: StackInfo,
  options: {
    scope?: string;
    registration?: Record<string, unknown>;
    user?: { username: string; password: string };
    /** Sign in through this existing client (e.g. stack.operatorClientId) instead of registering one. */
    clientId?: string;
  } = {},
): Promise<DemoSession> {
  const client = options.clientId
    ? { client_id: options.clientId, scope: undefined }
    : await registerPublicClient(stack, options.registration);
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${stack.cognitoEndpoint}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    ...(options.scope === '' || (options.scope ?? client.scope) === undefined ? {} : { scope: options.scope ?? client.scope }),
  }).toString();
  const redirect = await signInThroughLoginPage(authorize, options.user ?? stack.demoUser);
  const refusal = redirect.searchParams.get('error');
  if (refusal) throw new Error(`Authorization refused: ${refusal}`);
  const tokenResponse = await fetch(`${stack.cognitoEndpoint}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id,
      code_verifier: verifier,
    }),
  });
  if (!tokenResponse.ok) throw new Error(`Token exchange failed: ${await tokenResponse.text()}`);
  const tokens = (await tokenResponse.json()) as { access_token: string; id_token: string; refresh_token: string };
  return {
    clientId: client.client_id,
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
  };
}

/** A JSON-RPC POST to the MCP endpoint with the headers the Streamable HTTP transport requires. */
export function mcpPost(stack: StackInfo, body: unknown, init: { token?: string; headers?: Record<string, string> } = {}) {
  return fetch(stack.mcpUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
};
