import { randomBytes } from 'node:crypto';
import { authzCookieName, newCookieValue, setCookie, sha256 } from './cookies.js';
import type { PendingAuthorization } from './pending.js';
import { seal } from './sealed.js';

/**
 * The redirect to Cognito's own /oauth2/authorize (its sign-in page): the client's app client id,
 * our callback as redirect_uri (the only one the app client has), our sealed state, the client's
 * PKCE challenge untouched (Cognito checks the verifier at /token), the scopes without
 * offline_access, and always the resource, so the token's `aud` names the MCP server. The browser
 * gets a per-flow cookie (SameSite=Lax: the callback is a cross-site navigation from Cognito) whose
 * hash is in the state.
 */
export interface CognitoRedirectSettings {
  cognitoOAuthBaseUrl: string;
  callbackUrl: string;
  stateKey: Buffer;
  ttlSeconds: number;
}

export function cognitoRedirect(
  request: Omit<PendingAuthorization, 'n' | 'bh' | 'exp' | 'v' | 'cc'>,
  codeChallenge: string,
  settings: CognitoRedirectSettings,
  nowSeconds: number,
): { location: string; cookie: string } {
  const nonce = randomBytes(16).toString('base64url');
  const cookieValue = newCookieValue();
  const pending: PendingAuthorization = {
    v: 1,
    n: nonce,
    cid: request.cid,
    app: request.app,
    ruri: request.ruri,
    st: request.st,
    scp: request.scp,
    off: request.off,
    res: request.res,
    am: request.am,
    pr: request.pr,
    cc: codeChallenge,
    bh: sha256(cookieValue),
    exp: nowSeconds + settings.ttlSeconds,
  };
  const url = new URL(`${settings.cognitoOAuthBaseUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: request.app,
    redirect_uri: settings.callbackUrl,
    state: seal(settings.stateKey, 'cognito-state', pending),
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...(request.scp.length > 0 ? { scope: request.scp.join(' ') } : {}),
    resource: request.res,
    ...(request.pr ? { prompt: request.pr } : {}),
  }).toString();
  return { location: url.href, cookie: setCookie(authzCookieName(nonce), cookieValue, 'Lax', settings.ttlSeconds) };
}
