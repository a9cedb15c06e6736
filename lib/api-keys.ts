import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys for machine clients that cannot do OAuth: `mcpk_` + 256 random bits (base64url, 43
 * characters) + an 8-character checksum. The prefix makes a leaked key recognisable (secret
 * scanners, logs); the checksum lets the authorizer refuse a mistyped or made-up key without
 * any DynamoDB call. Only the SHA-256 of a key is stored (a 256-bit random key needs no slow hash).
 */
export const API_KEY_PREFIX = 'mcpk_';
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 8;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + SECRET_LENGTH + CHECKSUM_LENGTH;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const checksumOf = (secret: string) =>
  createHash('sha256').update(`${API_KEY_PREFIX}${secret}`).digest('base64url').slice(0, CHECKSUM_LENGTH);

export function generateApiKey(): string {
  const secret = randomBytes(32).toString('base64url');
  return `${API_KEY_PREFIX}${secret}${checksumOf(secret)}`;
}

/** Whether the value looks like an API key at all (then it is never parsed as a JWT). */
export const looksLikeApiKey = (value: string) => value.startsWith(API_KEY_PREFIX);

/** Whether the value is a well-formed key whose checksum matches: cheap, no I/O. */
export function isWellFormedApiKey(value: string): boolean {
  if (value.length !== API_KEY_LENGTH || !looksLikeApiKey(value)) return false;
  const rest = value.slice(API_KEY_PREFIX.length);
  if (!BASE64URL.test(rest)) return false;
  const secret = rest.slice(0, SECRET_LENGTH);
  return checksumOf(secret) === rest.slice(SECRET_LENGTH);
}

/** The table's key for an API key: hex SHA-256 of the whole key. */
export const apiKeyHash = (key: string) => createHash('sha256').update(key).digest('hex');
