import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AuthorizeContext } from './authorize/context.js';
import { FormError, readOAuthForm } from './client-auth/form.js';
import { authorizationResponseUrl } from './authorization-response.js';
import { type CognitoRedirectSettings, cognitoRedirect } from './cognito-authorize-url.js';
import { consentFormTargets, consentPage } from './consent-page.js';
import { CONSENT_COOKIE, newCookieValue, readCookie, setCookie, sha256 } from './cookies.js';
import { errorPage, pageHeaders } from './html.js';
import type { ConsentRequest } from './pending.js';
import { redirectResponse } from './responses.js';
import { seal, unseal } from './sealed.js';

/**
 * The consent step. GET /authorize shows the page with a sealed copy of the request and sets the
 * consent cookie (SameSite=Strict, reused when the browser already has a well-formed one, so two
 * tabs work); POST /consent acts only when the form, the cookie and the browser's own
 * cross-site signals agree (a signed double-submit bound to this browser). Any failure is a page,
 * never a redirect: a forged POST learns nothing and sends the browser nowhere.
 */
export interface ConsentSettings extends CognitoRedirectSettings {
  issuer: string;
  consentKey: Buffer;
  resourceName: string;
  /** Refresh token lifetime of dynamic and CIMD app clients, in days (shown on the page). */
  refreshTokenDays?: number;
}

const EXPIRED =
  'This page expired or was not opened by you. Go back to your application and start again.';

export function consentResponse(
  ctx: AuthorizeContext,
  settings: ConsentSettings,
  cookieHeader: string | undefined,
  nowSeconds: number,
): APIGatewayProxyResult {
  const client = ctx.client!;
  const cookieValue = readCookie(cookieHeader, CONSENT_COOKIE) ?? newCookieValue();
  const request: ConsentRequest = {
    v: 1,
    cid: client.clientId,
    app: client.appClientId,
    ruri: ctx.redirectUri!,
    st: ctx.state,
    scp: ctx.scopes,
    off: ctx.offlineAccess,
    res: ctx.resource!,
    am: client.authMethod,
    pr: ctx.prompt,
    cc: ctx.codeChallenge!,
    ch: sha256(cookieValue),
    name: client.clientName,
    exp: nowSeconds + settings.ttlSeconds,
  };
  const html = consentPage({
    client,
    redirectUri: request.ruri,
    scopes: request.scp,
    sessionDays: settings.refreshTokenDays,
    issuer: settings.issuer,
    resourceName: settings.resourceName,
    sealedRequest: seal(settings.consentKey, 'consent', request),
    action: `${settings.issuer}/consent`,
  });
  return {
    statusCode: 200,
    headers: pageHeaders(consentFormTargets(new URL(settings.cognitoOAuthBaseUrl).origin, request.ruri), 'same-origin'),
    multiValueHeaders: { 'Set-Cookie': [setCookie(CONSENT_COOKIE, cookieValue, 'Strict', settings.ttlSeconds)] },
    body: html,
  };
}

/** The largest consent form read; the page's own form is a sealed request and one decision. */
export const MAX_CONSENT_FORM_BYTES = 16_384;

/**
 * The posted form, read as /token's and /revoke's are (oauth/client-auth/form.ts: form-encoded,
 * bounded, strict UTF-8, each field once), within the consent form's own bound; anything else is
 * undefined, refused below.
 */
export function readConsentForm(body: Buffer, contentType: string | undefined): Record<string, string> | undefined {
  try {
    return readOAuthForm(body, contentType, MAX_CONSENT_FORM_BYTES);
  } catch (error) {
    if (error instanceof FormError) return undefined;
    throw error;
  }
}

export interface ConsentPost {
  /** readConsentForm's result: undefined when the body was not a readable form. */
  form: Record<string, string> | undefined;
  cookieHeader: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

export type ConsentDecision =
  | { kind: 'refused'; response: APIGatewayProxyResult; reason: string }
  | { kind: 'allowed' | 'denied'; response: APIGatewayProxyResult; clientId: string };

/** POST /consent, check by check; every refusal is the same page (a forger learns nothing from it). */
export function decideConsent(post: ConsentPost, settings: ConsentSettings, nowSeconds: number): ConsentDecision {
  const refuse = (reason: string): ConsentDecision => ({ kind: 'refused', reason, response: errorPage('invalid_request', EXPIRED) });
  if (!post.form) return refuse('not a form-encoded UTF-8 body of at most 16 KB with each field once');
  if (post.origin !== undefined && post.origin !== new URL(settings.issuer).origin) return refuse('cross-origin Origin');
  if (post.secFetchSite !== undefined && !['same-origin', 'none'].includes(post.secFetchSite)) return refuse('cross-site Sec-Fetch-Site');
  const cookie = readCookie(post.cookieHeader, CONSENT_COOKIE);
  if (!cookie) return refuse('no consent cookie');
  const request = unseal<ConsentRequest>(settings.consentKey, 'consent', post.form.request, nowSeconds);
  if (!request) return refuse('consent request invalid or expired');
  if (request.ch !== sha256(cookie)) return refuse('consent cookie of another page');
  const decision = post.form.decision;
  if (decision === 'deny') {
    const location = authorizationResponseUrl(
      request.ruri,
      { error: 'access_denied', errorDescription: 'The user denied the request' },
      request.st,
      settings.issuer,
    );
    return { kind: 'denied', clientId: request.cid, response: redirectResponse(location) };
  }
  if (decision !== 'allow') return refuse('no decision');
  const { cc, ch: _ch, name: _name, v: _v, exp: _exp, ...fields } = request;
  const redirect = cognitoRedirect(fields, cc, settings, nowSeconds);
  return { kind: 'allowed', clientId: request.cid, response: redirectResponse(redirect.location, [redirect.cookie]) };
}
