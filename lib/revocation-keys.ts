/**
 * The pure half of lib/revocations.ts: how revocation rows are keyed and when one is in force.
 * A file of its own, free of the AWS SDK, because the authorizer imports it on every cold start
 * (lib/revocations.ts re-exports it for everyone else).
 */
export type RevocationKind = 'jti' | 'user' | 'client' | 'app';

export const revocationKey = (kind: RevocationKind, subject: string) => `${kind}#${subject}`;

/** The subject of an `app` row: one user's access through one application (lib/app-grants.ts). */
export const appRevocationSubject = (sub: string, clientId: string) => `${sub}#${clientId}`;

/** DynamoDB deletes expired rows late (emulators never): a row counts only until its `expiresAt`. */
export function isActive(record: { expiresAt: number }, nowSeconds: number): boolean {
  return record.expiresAt > nowSeconds;
}
