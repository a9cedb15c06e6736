import { z } from 'zod';
import { parseConfig } from '../../lib/config.js';
import { loadTokenLifetimes, sessionRevocationSeconds } from '../../lib/user-revocation.js';
import { APP_CLIENT_ID } from '../../lib/connected-apps.js';
import { loadOAuthConfig } from '../config.js';

/**
 * The connected-apps page's settings, read once at cold start (and by `serverless package`'s
 * check): the facade's, the page's own app client (APPS_CLIENT_ID) and the token lifetimes that
 * bound how long a revocation row must outlive the tokens it refuses.
 */
export function loadAppsConfig(env: Record<string, string | undefined> = process.env) {
  const oauth = loadOAuthConfig(env);
  const { APPS_CLIENT_ID: appsClientId } = parseConfig(z.object({ APPS_CLIENT_ID: z.string().regex(APP_CLIENT_ID) }), env);
  return { oauth, appsClientId, revocationSeconds: sessionRevocationSeconds(loadTokenLifetimes(env)) };
}
