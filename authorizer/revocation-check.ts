import { appRevocationSubject, isActive, revocationKey } from '../lib/revocation-keys.js';
import type { RevocationRecord } from '../lib/revocations.js';
import type { VerifiedToken } from './access-token.js';
import type { AuthorizerClientView } from '../lib/client-record.js';
import { Denial } from './denial.js';

/** The revocation rows that could apply to a token: fetched together in one BatchGetItem. */
export function revocationKeysOf(token: VerifiedToken): string[] {
  const keys = [
    revocationKey('jti', token.identity.tokenId),
    revocationKey('user', token.identity.sub),
    revocationKey('client', token.identity.clientId),
    // Connected apps: this user's access through this client, ended by the user or an operator.
    revocationKey('app', appRevocationSubject(token.identity.sub, token.identity.clientId)),
  ];
  if (token.originJti) keys.push(revocationKey('jti', token.originJti));
  return keys;
}

/**
 * Throws a Denial when any active row revokes the token or its client is not a valid, registered
 * client. Expired rows are ignored by comparing their `expiresAt` with the clock (DynamoDB deletes
 * them late, emulators never).
 */
export function assertNotRevoked(
  token: VerifiedToken,
  records: { revocations: RevocationRecord[]; client: AuthorizerClientView | undefined },
  nowSeconds: number,
): void {
  const { identity } = token;
  const jtiKey = revocationKey('jti', identity.tokenId);
  const familyKey = token.originJti ? revocationKey('jti', token.originJti) : undefined;
  const appKey = revocationKey('app', appRevocationSubject(identity.sub, identity.clientId));
  for (const row of records.revocations) {
    if (!isActive(row, nowSeconds)) continue;
    if (row.pk === jtiKey) throw new Denial('revoked', 'token revoked (jti)');
    if (row.pk === familyKey) throw new Denial('revoked', 'refresh token family revoked (origin_jti)');
    if (row.pk === revocationKey('client', identity.clientId)) throw new Denial('revoked', 'client revoked');
    // Every session the user started up to the revocation (refreshed tokens included: their
    // auth_time is the sign-in). A row without notBefore revokes everything: fail closed.
    if (row.pk === revocationKey('user', identity.sub) && (typeof row.notBefore !== 'number' || token.authenticatedAt <= row.notBefore)) {
      throw new Denial('revoked', 'user revoked');
    }
    if (row.pk === appKey && (typeof row.notBefore !== 'number' || token.authenticatedAt <= row.notBefore)) {
      throw new Denial('revoked', 'application access revoked for this user');
    }
  }
  const client = records.client;
  if (!client) throw new Denial('unknown_client', 'client_id is not in the client registry');
  if (client.status !== undefined && client.status !== 'active') {
    throw new Denial('unknown_client', `client is ${String(client.status).slice(0, 20)}`);
  }
}
