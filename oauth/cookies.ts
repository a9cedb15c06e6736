import { createHash, randomBytes } from 'node:crypto';

/**
 * The two browser-binding cookies. `__Host-` means Secure, Path=/ and no Domain, so no subdomain
 * can plant one; browsers accept them on http://localhost too, so one name works locally and on AWS.
 *  - consent (SameSite=Strict): the consent form's double-submit token; a cross-site POST carries none.
 *  - authz-<nonce prefix> (SameSite=Lax, REQUIRED): proves at /oauth/callback that the browser
 *    coming back from Cognito is the one that started this flow. The callback is a top-level
 *    cross-site navigation from Cognito's domain: a Strict cookie would not be sent there.
 */
export const CONSENT_COOKIE = '__Host-mcp-consent';
export const authzCookieName = (nonce: string) => `__Host-mcp-authz-${nonce.slice(0, 12)}`;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export const newCookieValue = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export function setCookie(name: string, value: string, sameSite: 'Strict' | 'Lax', maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=${sameSite}; Max-Age=${maxAgeSeconds}`;
}

export const clearCookie = (name: string, sameSite: 'Strict' | 'Lax') => setCookie(name, '', sameSite, 0);

/** The value of one cookie from a Cookie header; a malformed or repeated value counts as absent. */
export function readCookie(header: string | undefined, name: string, shape: RegExp = COOKIE_VALUE): string | undefined {
  if (!header) return undefined;
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
  if (values.length !== 1) return undefined;
  return shape.test(values[0]!) ? values[0] : undefined;
}
