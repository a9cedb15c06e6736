import { hkdfSync } from 'node:crypto';
import { type SecretSource, getSecretValue } from '../../../lib/aws/secrets-manager.js';

/**
 * The key of the input-required round-trip state (request-state.ts), shared by every container:
 * derived with HKDF from a secret in AWS Secrets Manager that CloudFormation generates for the MCP
 * function alone (resources/mcp.yml; its role may read that secret and no other). The purpose
 * label keeps this key apart from any other key drawn from the same secret (the local stack's
 * Secrets Manager stand-in holds one secret for every function).
 */
const PURPOSE = 'secure-mcp mcp-request-state v1';

export function deriveRequestStateKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), PURPOSE, 32));
}

/**
 * The key, read from Secrets Manager when called. request-state.ts calls it on the first
 * input-required round a container mints or checks (never at cold start: most containers serve
 * no confirmation), keeps it for the container's life, and calls again after a failure.
 */
export function requestStateKey(source: SecretSource): () => Promise<Uint8Array> {
  return async () => deriveRequestStateKey(await getSecretValue(source));
}
