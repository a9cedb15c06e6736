import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * RFC 7592 registration access tokens and the RFC 7591 initial access token. Tokens are 256
 * random bits, so an unsalted SHA-256 is enough to make the stored hash useless to a thief;
 * comparisons are constant-time so that response timing reveals nothing about the hash.
 */
export const newRegistrationToken = () => randomBytes(32).toString('base64url');

export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export function tokenMatchesHash(token: string, expectedHashHex: string): boolean {
  const actual = createHash('sha256').update(token, 'utf8').digest();
  const expected = Buffer.from(expectedHashHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** Constant-time comparison of two secrets of any length (the length itself is not secret). */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}
