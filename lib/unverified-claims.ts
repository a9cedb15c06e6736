/**
 * A JWT's payload read without verifying it. Only for tokens that came straight from their issuer
 * over TLS (the facade reading what Cognito's /oauth2/token just answered) or that an operator
 * hands in to revoke: never for deciding whether to trust a token.
 */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
