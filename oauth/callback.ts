import type { APIGatewayProxyResult } from 'aws-lambda';
import { authorizationResponseUrl } from './authorization-response.js';
import { type CodeGrants, StateReplayedError } from './code-grants.js';
import { authzCookieName, clearCookie, readCookie, sha256 } from './cookies.js';
import { errorPage } from './html.js';
import { OFFLINE_ACCESS } from './authorize/scope.js';
import type { PendingAuthorization } from './pending.js';
import { redirectResponse } from './responses.js';
import { unseal } from './sealed.js';

/**
 * GET /oauth/callback: Cognito sends the browser back here with its code (or an error) and our
 * sealed state. The state must open, be unexpired, and come back in the browser that started the
 * flow (its authz cookie); its nonce is then consumed once, in the same DynamoDB transaction that
 * binds the code to the client and redirect URI. Only then is the browser sent on to the client
 * with the code, the client's own state and `iss`. Anything wrong before that is a page.
 */
export interface CallbackSettings {
  issuer: string;
  stateKey: Buffer;
  codeTtlSeconds: number;
}

/** Cognito's errors the client may see as they are; others are our (or Cognito's) fault: server_error. */
const PASSED_THROUGH = new Set(['access_denied', 'invalid_scope', 'unauthorized_client', 'temporarily_unavailable']);
const DESCRIPTIONS: Record<string, string> = {
  access_denied: 'The user or the identity provider denied the request',
  invalid_scope: 'The identity provider refused the requested scope',
  unauthorized_client: 'This client may not use this flow',
  temporarily_unavailable: 'The identity provider is temporarily unavailable',
  server_error: 'The identity provider could not complete the sign-in',
};
const COGNITO_CODE = /^[A-Za-z0-9_-]{1,512}$/;

export type CallbackOutcome =
  | { kind: 'page'; response: APIGatewayProxyResult; reason: string }
  | { kind: 'redirect'; response: APIGatewayProxyResult; clientId: string; result: 'code' | string };

/**
 * The callback's query: API Gateway's multi-valued parameters, or (tests, the bench) single values.
 * A parameter sent twice is refused before anything is read, as no single value of it can be trusted.
 */
export type CallbackQuery = Record<string, string | readonly string[] | undefined>;

export async function handleCallback(
  callbackQuery: CallbackQuery,
  cookieHeader: string | undefined,
  settings: CallbackSettings,
  grants: CodeGrants,
  nowSeconds: number,
): Promise<CallbackOutcome> {
  const page = (reason: string, description: string): CallbackOutcome => ({
    kind: 'page',
    reason,
    response: errorPage('invalid_request', description),
  });
  const values = Object.entries(callbackQuery);
  if (values.some(([, value]) => Array.isArray(value) && value.length > 1)) {
    return page('repeated parameters', 'The identity provider answered with repeated parameters.');
  }
  const query = Object.fromEntries(values.map(([name, value]) => [name, typeof value === 'string' ? value : value?.[0]]));
  const pending = unseal<PendingAuthorization>(settings.stateKey, 'cognito-state', query.state, nowSeconds);
  if (!pending) return page('state invalid or expired', 'This sign-in link is invalid or has expired.');
  const cookieName = authzCookieName(pending.n);
  const cookie = readCookie(cookieHeader, cookieName);
  if (!cookie || sha256(cookie) !== pending.bh) {
    return page('authz cookie missing or mismatched', 'This sign-in was not started in this browser.');
  }
  const code = query.code;
  const cognitoError = query.error;
  if (code !== undefined && !COGNITO_CODE.test(code)) return page('malformed code', 'The identity provider answered with an invalid code.');
  if (code === undefined && cognitoError === undefined) return page('no code or error', 'The identity provider answered with neither a code nor an error.');
  const scope = [...pending.scp, ...(pending.off ? [OFFLINE_ACCESS] : [])].join(' ');
  try {
    await grants.complete(
      pending.n,
      pending.exp,
      code === undefined
        ? undefined
        : {
            hash: sha256(code),
            expiresAt: nowSeconds + settings.codeTtlSeconds,
            binding: { clientId: pending.cid, appClientId: pending.app, redirectUri: pending.ruri, authMethod: pending.am, scope, resource: pending.res, codeChallenge: pending.cc },
          },
    );
  } catch (error) {
    if (error instanceof StateReplayedError) return page('state replayed', 'This sign-in response was already used.');
    throw error;
  }
  const error = code === undefined ? (PASSED_THROUGH.has(cognitoError!) ? cognitoError! : 'server_error') : undefined;
  const location = authorizationResponseUrl(
    pending.ruri,
    error === undefined ? { code: code! } : { error, errorDescription: DESCRIPTIONS[error] },
    pending.st,
    settings.issuer,
  );
  return {
    kind: 'redirect',
    clientId: pending.cid,
    result: error ?? 'code',
    response: redirectResponse(location, [clearCookie(cookieName, 'Lax')]),
  };
}
