import type { AuthorizeClient } from './context.js';

/**
 * Consent is asked on every authorization by a dynamically registered or CIMD client, and never
 * for an operator's own clients. It is not remembered: consent comes before the Cognito sign-in,
 * so the facade does not know the user yet and cannot remember "per user and client"; a cookie
 * would remember per browser (shared machines) and would hand back exactly what the confused-deputy
 * attack on proxies like this one exploits (Cognito's silent sign-in from its session cookie).
 * Full authorizations are rare anyway: refresh tokens last 30 days.
 */
export const needsConsent = (client: AuthorizeClient) => client.source !== 'manual';
