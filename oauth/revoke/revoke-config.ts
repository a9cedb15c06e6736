import { localJwksOrigin } from '../../authorizer/local-jwks.js';
import { ConfigurationError } from '../../lib/configuration-error.js';
import { loadOAuthConfig } from '../config.js';

/**
 * The revocation endpoint's settings, read once at cold start: the facade's (the issuer is the
 * audience of client assertions, the OAuthStateTable holds their used jtis, the CIMD fetch rules
 * serve their clients' jwks_uri), the registration ones within them, and its own.
 */
export function loadRevokeConfig(env: Record<string, string | undefined> = process.env) {
  const oauth = loadOAuthConfig(env);
  const revocationsTable = env.REVOCATIONS_TABLE;
  if (!revocationsTable) throw new ConfigurationError([{ variable: 'REVOCATIONS_TABLE', message: 'is required' }]);
  // Set only inside the local stack, refused elsewhere (authorizer/local-jwks.ts).
  return { oauth, dcr: oauth.dcr, revocationsTable, localJwksOrigin: localJwksOrigin(env) };
}
