import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ClientStatus, clientStatusChange } from '../lib/client-record.js';
import { unverifiedClaims } from '../lib/unverified-claims.js';
import { sdkCognitoApi } from '../lib/cognito/sdk-api.js';
import { sdkDocuments } from '../lib/dynamodb/sdk-documents.js';
import { type RevocationKind, dynamoDbRevocationStore } from '../lib/revocations.js';
import { cognitoUserSessions, loadTokenLifetimes, revokeUserSessions, sessionRevocationSeconds } from '../lib/user-revocation.js';
import { appClientExists, deleteAppClient, describeOutcome, findUserSub, revokeRefreshToken } from './cognito-calls.js';
import { LIFETIMES, parseDuration } from './durations.js';
import { type AdminTarget, requireUserPoolId } from './target.js';

export type Output = (line: string) => void;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface RevokeFlags {
  reason?: string | undefined;
  expiresIn?: string | undefined;
  family?: boolean | undefined;
  clientId?: string | undefined;
  deleteAppClient?: boolean | undefined;
  by?: string | undefined;
}

export async function revoke(target: AdminTarget, what: string | undefined, subject: string | undefined, flags: RevokeFlags, out: Output): Promise<void> {
  if (!subject) throw new Error(`Usage: revoke ${what ?? '<token|user|client|refresh-token>'} <value>`);
  const store = dynamoDbRevocationStore(target.tables.revocations, sdkDocuments(target.documents));
  const common = { reason: flags.reason, revokedBy: flags.by ?? process.env.USER ?? 'admin-cli' };
  const lifetime = (fallback: number) => (flags.expiresIn ? parseDuration(flags.expiresIn, '--expires-in') : fallback);
  // Rows about anything a refresh token renews: --expires-in plus the margin, or the session bound
  // (the longest refresh token validity, MAX_REFRESH_TOKEN_DAYS, plus an access token's, plus the margin).
  const sessionLifetime = () =>
    flags.expiresIn ? parseDuration(flags.expiresIn, '--expires-in') + LIFETIMES.margin : sessionRevocationSeconds(loadTokenLifetimes());
  switch (what) {
    case 'token': {
      // An access token (its jti and expiry are read from it) or a bare jti.
      const claims = unverifiedClaims(subject);
      const jti = claims ? claims.jti : subject;
      if (typeof jti !== 'string' || jti === '') throw new Error('The token has no jti claim');
      const exp = typeof claims?.exp === 'number' ? claims.exp : nowSeconds() + lifetime(LIFETIMES.accessTokenMax);
      const record = await store.revoke({ kind: 'jti', subject: jti, expiresAt: exp + LIFETIMES.margin, ...common });
      out(`Revoked token jti ${jti} until ${iso(record.expiresAt)}`);
      if (flags.family) {
        const family = claims?.origin_jti;
        if (typeof family !== 'string') throw new Error('--family needs an access token with an origin_jti claim (refresh token rotation or revocation enabled)');
        const row = await store.revoke({ kind: 'jti', subject: family, expiresAt: nowSeconds() + sessionLifetime(), ...common });
        out(`Revoked refresh token family origin_jti ${family} until ${iso(row.expiresAt)}`);
      }
      return;
    }
    case 'refresh-token': {
      // Cognito's refresh tokens are opaque: only Cognito can revoke them (and their access tokens' family).
      if (!flags.clientId) throw new Error('revoke refresh-token needs --client-id <the app client the token was issued to>');
      out(describeOutcome('RevokeToken', await revokeRefreshToken(target.cognito, flags.clientId, subject)));
      return;
    }
    case 'user': {
      const userPoolId = requireUserPoolId(target);
      const user = await findUserSub(target.cognito, userPoolId, subject);
      const { record, signOut } = await revokeUserSessions(
        { revocations: store, sessions: cognitoUserSessions(userPoolId, sdkCognitoApi(target.cognito)) },
        loadTokenLifetimes(),
        { sub: user.sub, username: user.username, ...common, lifetimeSeconds: sessionLifetime() },
      );
      out(`Revoked every session of user ${user.username} (sub ${user.sub}) started before ${iso(record.notBefore!)}; row kept until ${iso(record.expiresAt)}`);
      out(describeOutcome('AdminUserGlobalSignOut (refresh tokens)', signOut));
      return;
    }
    case 'client': {
      const record = await store.revoke({ kind: 'client', subject, expiresAt: nowSeconds() + sessionLifetime(), ...common });
      out(`Revoked every token of client ${subject} until ${iso(record.expiresAt)}`);
      const marked = await setClientStatus(target, subject, 'revoked', 'active');
      out(marked ? 'Client registry: marked revoked' : 'Client registry: no active row for this client (tokens are refused anyway)');
      if (flags.deleteAppClient) {
        out(describeOutcome('DeleteUserPoolClient', await deleteAppClient(target.cognito, requireUserPoolId(target), subject)));
      }
      return;
    }
    default:
      throw new Error(`Unknown revocation "${what ?? ''}": token, refresh-token, user or client`);
  }
}

/** Sets the registry row's status when it currently has `from` (absent counts as active). */
async function setClientStatus(target: AdminTarget, clientId: string, to: ClientStatus, from: ClientStatus): Promise<boolean> {
  try {
    await target.documents.send(new UpdateCommand({ TableName: target.tables.clients, Key: { clientId }, ...clientStatusChange({ from, to }) }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function listRevocations(target: AdminTarget, out: Output): Promise<void> {
  const rows = await dynamoDbRevocationStore(target.tables.revocations, sdkDocuments(target.documents)).list(nowSeconds());
  if (rows.length === 0) return out('No active revocations.');
  out(['kind', 'subject', 'revoked at', 'until', 'by', 'reason'].join('\t'));
  for (const row of rows) {
    out([row.kind, row.subject, iso(row.revokedAt), iso(row.expiresAt), row.revokedBy ?? '', row.reason ?? ''].join('\t'));
  }
}

export async function undo(target: AdminTarget, kind: string | undefined, subject: string | undefined, out: Output): Promise<void> {
  const kinds: Record<string, RevocationKind> = { token: 'jti', jti: 'jti', user: 'user', client: 'client' };
  const revocationKind = kind ? kinds[kind] : undefined;
  if (!revocationKind || !subject) throw new Error('Usage: undo <token|user|client> <jti|sub|client id>');
  let key = subject;
  if (revocationKind === 'client') await refuseDeletedAppClient(target, subject);
  if (revocationKind === 'user' && target.userPoolId && !(await rowExists(target, `user#${subject}`))) {
    key = (await findUserSub(target.cognito, target.userPoolId, subject)).sub;
  }
  const removed = await dynamoDbRevocationStore(target.tables.revocations, sdkDocuments(target.documents)).remove(revocationKind, key);
  out(removed ? `Removed the ${revocationKind} revocation of ${key}` : `No ${revocationKind} revocation of ${key}`);
  if (revocationKind === 'client' && (await setClientStatus(target, key, 'active', 'revoked'))) out('Client registry: marked active again');
}

/**
 * A client whose Cognito app client was deleted (`revoke client --delete-app-client`) cannot be
 * made active again: Cognito issues it nothing more and the id is never reused. Undoing its
 * revocation would only let its last access tokens work until they expire, so nothing is changed.
 */
async function refuseDeletedAppClient(target: AdminTarget, clientId: string): Promise<void> {
  const userPoolId = requireUserPoolId(target);
  if (await appClientExists(target.cognito, userPoolId, clientId)) return;
  throw new Error(
    `The app client ${clientId} no longer exists in pool ${userPoolId} (deleted with revoke client --delete-app-client, or outside this CLI): ` +
      'it cannot be made active again, and nothing was changed (its revocation and its revoked registry row stay until they expire). ' +
      'Create a new app client and register it: client register <new app client id>',
  );
}

async function rowExists(target: AdminTarget, pk: string): Promise<boolean> {
  const found = await target.documents.send(new GetCommand({ TableName: target.tables.revocations, Key: { pk } }));
  return found.Item !== undefined;
}

export const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
