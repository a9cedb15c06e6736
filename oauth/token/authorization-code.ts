import type { CodeGrants } from '../code-grants.js';
import { sha256 } from '../cookies.js';
import { OAuthError } from '../errors.js';
import type { CognitoTokenEndpoint } from './cognito-token-endpoint.js';
import type { TokenClient } from './client-authentication.js';
import type { TokenResponse } from './index.js';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * authorization_code: the code must be ours (bound at the callback), for this client, this
 * redirect URI and this authentication method, unexpired and unused: one conditional delete.
 * Then Cognito redeems it with our callback URL and the client's verifier (PKCE is Cognito's check).
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
  const binding = await deps.grants.redeem(
    sha256(code),
    { clientId: client.clientId, redirectUri, authMethod: client.method },
    deps.now(),
  );
  if (!binding) {
    // The code exists for this client and redirect URI but was bound to another authentication
    // method: the client failed to authenticate (RFC 6749 §5.2), the code stays unredeemed.
    const bound = await deps.grants.boundMethod(sha256(code), { clientId: client.clientId, redirectUri }, deps.now());
    if (bound !== undefined && bound !== client.method) {
      throw new OAuthError('invalid_client', `This client authenticates with ${bound}`, 401);
    }
    throw new OAuthError('invalid_grant', 'The code is invalid, expired, already used, or was issued to another client or redirect URI');
  }
  if (form.resource !== undefined && form.resource.replace(/\/+$/, '') !== binding.resource.replace(/\/+$/, '')) {
    throw new OAuthError('invalid_target', 'resource differs from the one the code was issued for');
  }
  const tokens = await deps.cognito.exchange(
    { grant_type: 'authorization_code', code, redirect_uri: deps.callbackUrl, code_verifier: verifier },
    { appClientId: binding.appClientId, secret: client.secret },
  );
  return { tokens, scope: binding.scope };
}
