import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AppGrants } from '../../lib/app-grants.js';
import { type ConnectedAppsDependencies, APP_CLIENT_ID, listConnectedApps } from '../../lib/connected-apps.js';
import { unverifiedClaims } from '../../lib/unverified-claims.js';
import { clearCookie, newCookieValue, readCookie, setCookie, sha256 } from '../cookies.js';
import { escapeHtml, page, pageHeaders } from '../html.js';
import { redirectResponse } from '../responses.js';
import { type SealPurpose, seal, unseal } from '../sealed.js';
import type { CognitoTokenEndpoint } from '../token/cognito-token-endpoint.js';
import { appsPage, continuePage, signedOutPage } from './apps-page.js';
import {
  type LoginState,
  LOGIN_COOKIE,
  LOGIN_SECONDS,
  SEALED_COOKIE_VALUE,
  SESSION_COOKIE,
  formToken,
  newSession,
  openFormToken,
  openSession,
} from './session.js';

/**
 * The connected-apps page (GET /apps, GET /apps/callback, POST /apps/revoke, POST /apps/sign-out).
 * The person signs in through Cognito's login as the facade's own first-party app client (no
 * consent page: it is this server asking, for openid and email only; its tokens are in no client
 * registry, so they open nothing at /mcp), then sees the applications holding access and revokes
 * any of them. A POST counts only with the page's own Origin, the session cookie (SameSite=Strict)
 * and a form token sealed for that session, that application and the grant shown.
 *
 * DynamoDB round trips: GET /apps one Query plus one GetItem per application listed (in parallel);
 * POST /apps/revoke one TransactWriteItems; the sign-in and sign-out none.
 */
export interface AppsRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  cookieHeader: string | undefined;
  origin: string | undefined;
  body: string;
}

export interface AppsDependencies extends ConnectedAppsDependencies {
  appGrants: AppGrants;
  /** The key that seals (current) and the one that opens a given blob (oauth/keys.ts). */
  keys: { seal(purpose: SealPurpose): Buffer; open(purpose: SealPurpose, sealed: string | undefined): Promise<Buffer> };
  cognito: CognitoTokenEndpoint;
  issuer: string;
  cognitoOAuthBaseUrl: string;
  appsClientId: string;
  resourceName: string;
  /** How long the user-and-application revocation row lives (lib/user-revocation.ts). */
  revocationSeconds: number;
  now: () => number;
}

const callbackUrl = (issuer: string) => `${issuer}/apps/callback`;

/**
 * Referrer-Policy same-origin, as on the consent page: under no-referrer Chromium sends
 * `Origin: null` with the page's own form POSTs, which the Origin check refuses (found by the
 * Chromium test).
 */
function htmlResponse(status: number, body: string, cookies: string[] = []): APIGatewayProxyResult {
  return { statusCode: status, headers: pageHeaders([], 'same-origin'), ...(cookies.length > 0 ? { multiValueHeaders: { 'Set-Cookie': cookies } } : {}), body };
}

/** A refusal shown to the person: what happened, that nothing changed, and the way back. */
function refusal(status: number, message: string, issuer: string): APIGatewayProxyResult {
  return htmlResponse(
    status,
    page(
      'Connected apps',
      `<main><h1>Nothing was changed</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(`${issuer}/apps`)}">Back to your connected apps</a></p></main>`,
    ),
  );
}

function startSignIn(deps: AppsDependencies): APIGatewayProxyResult {
  const browserValue = newCookieValue();
  const verifier = randomBytes(32).toString('base64url');
  const state: LoginState = { browser: sha256(browserValue), verifier, exp: deps.now() + LOGIN_SECONDS };
  const url = new URL(`${deps.cognitoOAuthBaseUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: deps.appsClientId,
    redirect_uri: callbackUrl(deps.issuer),
    scope: 'openid email',
    state: seal(deps.keys.seal('apps-login'), 'apps-login', state),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return redirectResponse(url.href, [setCookie(LOGIN_COOKIE, browserValue, 'Lax', LOGIN_SECONDS)]);
}

async function finishSignIn(request: AppsRequest, deps: AppsDependencies): Promise<APIGatewayProxyResult> {
  const now = deps.now();
  const browserValue = readCookie(request.cookieHeader, LOGIN_COOKIE);
  const sealedState = request.query.state;
  const state = unseal<LoginState>(await deps.keys.open('apps-login', sealedState), 'apps-login', sealedState, now);
  if (!state || !browserValue || state.browser !== sha256(browserValue)) {
    return refusal(400, 'This sign-in was not started in this browser, or took too long. Open the page again to sign in.', deps.issuer);
  }
  if (request.query.error || !request.query.code) return refusal(400, 'The sign-in did not complete. Open the page again to sign in.', deps.issuer);
  const tokens = await deps.cognito.exchange(
    { grant_type: 'authorization_code', code: request.query.code, redirect_uri: callbackUrl(deps.issuer), code_verifier: state.verifier },
    { appClientId: deps.appsClientId },
  );
  // Straight from Cognito's token endpoint over TLS, for this app client (OIDC Core 3.1.3.7).
  const claims = tokens.id_token ? unverifiedClaims(tokens.id_token) : undefined;
  if (typeof claims?.sub !== 'string' || claims.aud !== deps.appsClientId) return refusal(502, 'The sign-in service answered without an identity. Try again.', deps.issuer);
  const { cookie } = newSession(deps.keys.seal('apps-session'), { sub: claims.sub, email: typeof claims.email === 'string' ? claims.email : undefined }, now);
  return htmlResponse(200, continuePage(deps.issuer), [cookie, clearCookie(LOGIN_COOKIE, 'Lax')]);
}

async function showApps(request: AppsRequest, deps: AppsDependencies): Promise<APIGatewayProxyResult> {
  const now = deps.now();
  const sealed = readCookie(request.cookieHeader, SESSION_COOKIE, SEALED_COOKIE_VALUE);
  const session = openSession(await deps.keys.open('apps-session', sealed), sealed, now);
  if (!session) return startSignIn(deps);
  const formKey = deps.keys.seal('apps-form');
  const apps = await listConnectedApps(session.sub, now, deps);
  return htmlResponse(
    200,
    appsPage({
      email: session.email,
      apps: apps.map((app) => ({ ...app, formToken: formToken(formKey, session, app.clientId, app.firstSignedInAt) })),
      signOutToken: formToken(formKey, session, '', 0),
      issuer: deps.issuer,
      resourceName: deps.resourceName,
      notice: request.query.revoked === '1' ? 'The application no longer has access to your account.' : undefined,
    }),
  );
}

/** The form fields, each at most once; undefined for a body that is not such a form. */
function formFields(body: string): Record<string, string> | undefined {
  if (body.length > 8192) return undefined;
  const params = new URLSearchParams(body);
  const fields: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length !== 1) return undefined;
    fields[name] = params.get(name)!;
  }
  return fields;
}

async function post(request: AppsRequest, deps: AppsDependencies, action: 'revoke' | 'sign-out'): Promise<APIGatewayProxyResult> {
  const now = deps.now();
  // Only the page itself may post: its exact origin (a cross-site form, a sandboxed frame's "null"
  // and a request without Origin are all refused), then its session and a token of that session.
  if (request.origin !== new URL(deps.issuer).origin) return refusal(403, 'This request did not come from the connected-apps page.', deps.issuer);
  const sealedSession = readCookie(request.cookieHeader, SESSION_COOKIE, SEALED_COOKIE_VALUE);
  const session = openSession(await deps.keys.open('apps-session', sealedSession), sealedSession, now);
  if (!session) return refusal(403, 'Your session on this page has ended. Sign in again.', deps.issuer);
  const fields = formFields(request.body);
  const clientId = action === 'revoke' ? fields?.client_id : '';
  if (!fields || clientId === undefined || (action === 'revoke' && !APP_CLIENT_ID.test(clientId))) return refusal(400, 'The form was not complete.', deps.issuer);
  const token = openFormToken(await deps.keys.open('apps-form', fields.token), fields.token, session, clientId, now);
  if (!token) return refusal(403, 'This form is not valid any more. Reload the page and try again.', deps.issuer);
  if (action === 'sign-out') return htmlResponse(200, signedOutPage(deps.issuer), [clearCookie(SESSION_COOKIE, 'Strict')]);
  const revoked = await deps.appGrants.revokeShown({
    sub: session.sub,
    clientId,
    firstSignedInAt: token.grantAt,
    now,
    revocationSeconds: deps.revocationSeconds,
    revokedBy: 'user (connected apps page)',
  });
  if (!revoked) return refusal(409, 'That access was already ended, or the application has signed in again since the page was shown. Reload the page.', deps.issuer);
  // Post/Redirect/Get: reloading the page that follows does not post the form again.
  return redirectResponse(`${deps.issuer}/apps?revoked=1`);
}

export async function handleAppsRequest(request: AppsRequest, deps: AppsDependencies): Promise<APIGatewayProxyResult> {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /apps':
      return showApps(request, deps);
    case 'GET /apps/callback':
      return finishSignIn(request, deps);
    case 'POST /apps/revoke':
      return post(request, deps, 'revoke');
    case 'POST /apps/sign-out':
      return post(request, deps, 'sign-out');
    default:
      return refusal(404, 'There is no such page.', deps.issuer);
  }
}
