import type { AuthorizeClient } from './context.js';

/**
 * Consent is asked on every authorization by a dynamically registered or CIMD client. An operator's
 * own client skips it, except a public one sent to a redirect URI that is not https: a loopback
 * port (any port matches a registered loopback URI, RFC 8252 §7.3) or a private-use scheme can be
 * claimed by any program on the user's machine, and without the page one link the user opens (on
 * AWS, with a live Cognito session, not even a click) would hand that program the operator client's
 * scopes, admin included. The page makes the user say yes to an application on this computer.
 * Asking consent was chosen over exact port matching: exact ports still let a program that binds
 * the registered port while the real client is not running take the code, and native clients get
 * a free port from the OS at run time (RFC 8252 §7.3), so exact ports would break them.
 * Confidential operator clients skip it on any redirect: their code is useless without the secret.
 * Consent is not remembered: it comes before the Cognito sign-in, so the facade does not know the
 * user yet and cannot remember "per user and client"; a cookie would remember per browser (shared
 * machines) and would hand back exactly what the confused-deputy attack on proxies like this one
 * exploits (Cognito's silent sign-in from its session cookie).
 */
export function needsConsent(client: AuthorizeClient, redirectUri: string): boolean {
  if (client.source !== 'manual') return true;
  return client.authMethod === 'none' && !redirectUri.startsWith('https://');
}
