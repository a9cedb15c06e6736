import { randomBytes } from 'node:crypto';
import { setCookie } from '../cookies.js';
import { seal, unseal } from '../sealed.js';

/**
 * The connected-apps page's browser state, all sealed (oauth/sealed.ts), nothing server-side:
 *  - the sign-in: Cognito's `state` seals the PKCE verifier and the hash of a random value kept in
 *    the `__Host-mcp-apps-login` cookie (SameSite=Lax: the callback is a cross-site navigation from
 *    Cognito), so only the browser that started the sign-in can finish it;
 *  - the session: `__Host-mcp-apps`, the user's sub and e-mail sealed for SESSION_SECONDS,
 *    HttpOnly, SameSite=Strict (a cross-site request carries none), Secure. `__Host-` cookies
 *    need Secure; browsers keep Secure cookies of http://localhost too (a potentially trustworthy
 *    origin), so the local stack uses the same names;
 *  - each form: a token sealed for this session (its random id) and, for a Revoke button, the
 *    application and the grant shown (its first sign-in), checked with the session on POST.
 */
export const LOGIN_COOKIE = '__Host-mcp-apps-login';
export const SESSION_COOKIE = '__Host-mcp-apps';
export const SEALED_COOKIE_VALUE = /^v1\.[A-Za-z0-9_-]{1,4096}$/;
/** Short-lived: the page is for looking and revoking, not for staying signed in. */
export const SESSION_SECONDS = 15 * 60;
export const LOGIN_SECONDS = 10 * 60;

export interface AppsSession {
  sid: string;
  sub: string;
  email?: string | undefined;
  exp: number;
}

export interface LoginState {
  /** sha256 of the login cookie's value. */
  browser: string;
  verifier: string;
  exp: number;
}

export interface FormToken {
  sid: string;
  /** The application the button revokes; '' for sign-out. */
  clientId: string;
  /** The grant the page showed (its firstSignedInAt); 0 for sign-out. */
  grantAt: number;
  exp: number;
}

export function newSession(key: Buffer, user: { sub: string; email?: string | undefined }, now: number): { cookie: string; session: AppsSession } {
  const session: AppsSession = { sid: randomBytes(16).toString('base64url'), sub: user.sub, email: user.email, exp: now + SESSION_SECONDS };
  return { session, cookie: setCookie(SESSION_COOKIE, seal(key, 'apps-session', session), 'Strict', SESSION_SECONDS) };
}

export function openSession(key: Buffer, sealed: string | undefined, now: number): AppsSession | undefined {
  const session = unseal<AppsSession>(key, 'apps-session', sealed, now);
  return session && typeof session.sid === 'string' && typeof session.sub === 'string' ? session : undefined;
}

export function formToken(key: Buffer, session: AppsSession, clientId: string, grantAt: number): string {
  const token: FormToken = { sid: session.sid, clientId, grantAt, exp: session.exp };
  return seal(key, 'apps-form', token);
}

/** The form token, when it was made for this session and this application; undefined otherwise. */
export function openFormToken(key: Buffer, sealed: string | undefined, session: AppsSession, clientId: string, now: number): FormToken | undefined {
  const token = unseal<FormToken>(key, 'apps-form', sealed, now);
  if (!token || token.sid !== session.sid || token.clientId !== clientId || typeof token.grantAt !== 'number') return undefined;
  return token;
}
