import { createHash } from 'node:crypto';
import type { CodeGrants } from '../code-grants.js';
import { sha256 } from '../cookies.js';
import { OAuthError } from '../errors.js';
import type { CognitoTokenEndpoint } from './cognito-token-endpoint.js';
import type { TokenClient } from './client-authentication.js';
import type { TokenResponse } from './context.js';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const normalizedResource = (resource: string) => resource.replace(/\/+$/, '');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * authorization_code: the code must be ours (bound at the callback), for this client, this
 * redirect URI and this authentication method, unexpired and unused. Everything the facade can
 * check is checked before the code is spent (the resource, PKCE S256 against the challenge bound
 * to the code), so a request that fails leaves the code to its client; then one conditional
 * delete spends it and Cognito redeems it with our callback URL and the client's verifier.
 */
export async function authorizationCodeGrant(
  form: Record<string, string>,
  client: TokenClient,
  deps: { grants: CodeGrants; cognito: CognitoTokenEndpoint; callbackUrl: string; now: () => number },
): Promise<TokenResponse> {
  const { code, redirect_uri: redirectUri, code_verifier: verifier } = form;
  if (!code) throw new OAuthError('invalid_request', 'The request has no code');
  if (!redirectUri) throw new OAuthError('invalid_request', 'The request has no redirect_uri');
  if (!verifier) throw new OAuthError('invalid_request', 'PKCE is required: the request has no code_verifier');
  if (!VERIFIER.test(verifier)) throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 unreserved characters');
  const codeHash = sha256(code);
  const bound = await deps.grants.find(codeHash, deps.now());
  // Another client or redirect URI learns nothing about the code: the same answer as an unknown one.
  if (!bound || bound.clientId !== client.clientId || bound.redirectUri !== redirectUri) throw unusableCode();
  // The code's own client with another authentication method failed to authenticate (RFC 6749 §5.2).
  if (bound.authMethod !== client.method) throw new OAuthError('invalid_client', `This client authenticates with ${bound.authMethod}`, 401);
  if (form.resource !== undefined && normalizedResource(form.resource) !== normalizedResource(bound.resource)) {
    throw new OAuthError('invalid_target', 'resource differs from the one the code was issued for');
  }
  if (bound.codeChallenge !== undefined && s256(verifier) !== bound.codeChallenge) {
    throw new OAuthError('invalid_grant', 'PKCE verification failed: code_verifier does not match the code_challenge');
  }
  // A concurrent request with the same code may have spent it since the read: one of them wins.
  const binding = await deps.grants.redeem(codeHash, { clientId: client.clientId, redirectUri, authMethod: client.method }, deps.now());
  if (!binding) throw unusableCode();
  const tokens = await deps.cognito.exchange(
    { grant_type: 'authorization_code', code, redirect_uri: deps.callbackUrl, code_verifier: verifier },
    { appClientId: binding.appClientId, secret: client.secret },
  );
  return { tokens, scope: binding.scope };
}

const unusableCode = () =>
  new OAuthError('invalid_grant', 'The code is invalid, expired, already used, or was issued to another client or redirect URI');
