import { headerValue } from '../lib/http/request-body.js';

/** Longer Authorization headers are refused before any parsing (Cognito tokens are ~1 KB). */
export const MAX_AUTHORIZATION_HEADER_LENGTH = 8192;

// RFC 6750 §2.1 b64token; JWTs are a subset of it.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the token of an `Authorization: Bearer <token>` header (scheme case-insensitive, one
 * space, no other parameters). Anything else returns undefined.
 */
export function extractBearerToken(
  headers: Record<string, string | undefined> | null | undefined,
): string | undefined {
  const header = headerValue(headers, 'authorization');
  if (header === undefined || header.length > MAX_AUTHORIZATION_HEADER_LENGTH) return undefined;
  const match = /^Bearer ([^ ]+)$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !B64TOKEN.test(token)) return undefined;
  return token;
}
