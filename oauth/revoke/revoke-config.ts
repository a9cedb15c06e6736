import { localJwksOrigin } from '../../authorizer/local-jwks.js';
import { loadDcrConfig } from '../../dcr/config.js';
import { ConfigurationError } from '../../lib/configuration-error.js';

/** The revocation endpoint's settings, read once at cold start: the registration settings plus its own. */
export function loadRevokeConfig(env: Record<string, string | undefined> = process.env) {
  const dcr = loadDcrConfig(env);
  const revocationsTable = env.REVOCATIONS_TABLE;
  if (!revocationsTable) throw new ConfigurationError([{ variable: 'REVOCATIONS_TABLE', message: 'is required' }]);
  // Set only inside the local stack, refused elsewhere (authorizer/local-jwks.ts).
  return { dcr, revocationsTable, localJwksOrigin: localJwksOrigin(env) };
}
