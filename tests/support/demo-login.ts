import type { StackInfo } from '../../local/stack.js';
import { authorizationCodeFlow } from './authorization-code.js';

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
 * authorization code flow with PKCE through the facade ({base}/authorize, consent, cognito-local's
 * login page, {base}/oauth/callback, {base}/token).
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
  const scope = options.scope === '' ? undefined : options.scope ?? client.scope;
  const tokens = await authorizationCodeFlow(
    stack,
    { clientId: client.client_id, redirectUri: REDIRECT_URI, ...(scope ? { scope } : {}) },
    options.user ? { user: options.user } : {},
  );
  return {
    clientId: client.client_id,
    accessToken: tokens.access_token,
    idToken: tokens.id_token ?? '',
    refreshToken: tokens.refresh_token ?? '',
  };
}

/** The session's refresh token at the facade's /token (a public client: client_id in the body). */
export function refreshAtFacade(stack: StackInfo, session: Pick<DemoSession, 'clientId' | 'refreshToken'>) {
  return fetch(`${stack.baseUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId }),
  });
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
