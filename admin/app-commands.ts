import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { type AppGrants, dynamoDbAppGrants } from '../lib/app-grants.js';
import { APP_CLIENT_ID, listConnectedApps } from '../lib/connected-apps.js';
import { sdkDocuments } from '../lib/dynamodb/sdk-documents.js';
import { loadTokenLifetimes, sessionRevocationSeconds } from '../lib/user-revocation.js';
import { findUserSub } from './cognito-calls.js';
import { LIFETIMES, parseDuration } from './durations.js';
import type { Output } from './revocation-commands.js';
import { type AdminTarget, requireUserPoolId } from './target.js';

/**
 * `npm run admin -- apps list|revoke`: a user's connected apps (lib/connected-apps.ts), the same
 * list and the same revocation as the user's own /apps page.
 */
const nowSeconds = () => Math.floor(Date.now() / 1000);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function appGrantsOf(target: AdminTarget): AppGrants {
  return dynamoDbAppGrants({ grants: target.tables.grants, revocations: target.tables.revocations }, sdkDocuments(target.documents));
}

async function userOf(target: AdminTarget, user: string | undefined) {
  if (!user) throw new Error('Name the user: --user <username | e-mail | sub>');
  return findUserSub(target.cognito, requireUserPoolId(target), user);
}

export async function listApps(target: AdminTarget, user: string | undefined, out: Output): Promise<void> {
  const { sub, username } = await userOf(target, user);
  const registry = dynamoDbClientRegistry(target.tables.clients, sdkDocuments(target.documents));
  const apps = await listConnectedApps(sub, nowSeconds(), { appGrants: appGrantsOf(target), registry });
  if (apps.length === 0) {
    out(`No application holds access for ${username} (sub ${sub})`);
    return;
  }
  out(`Applications holding access for ${username} (sub ${sub}):`);
  for (const app of apps) {
    const registration =
      app.registration.kind === 'cimd' ? `CIMD ${app.registration.documentUrl}` : app.registration.kind === 'operator' ? 'registered by the operator' : 'self-registered';
    out(`  ${app.clientId}  "${app.name}"  ${registration}`);
    out(`    scopes: ${app.scopes.join(' ') || '(none)'}; first sign-in ${iso(app.firstSignedInAt)}; last used ${iso(app.lastUsedAt)}`);
  }
}

export async function revokeApp(
  target: AdminTarget,
  flags: { user?: string | undefined; clientId?: string | undefined; expiresIn?: string | undefined },
  out: Output,
): Promise<void> {
  if (!flags.clientId || !APP_CLIENT_ID.test(flags.clientId)) throw new Error('Name the application: --client <app client id> (as apps list shows it)');
  const { sub, username } = await userOf(target, flags.user);
  const revocationSeconds = flags.expiresIn
    ? parseDuration(flags.expiresIn, '--expires-in') + LIFETIMES.margin
    : sessionRevocationSeconds(loadTokenLifetimes());
  const now = nowSeconds();
  const existed = await appGrantsOf(target).revoke({ sub, clientId: flags.clientId, now, revocationSeconds, revokedBy: process.env.USER ?? 'admin-cli' });
  out(`Ended the access of application ${flags.clientId} for ${username} (sub ${sub}): sessions started before ${iso(now)} are refused until ${iso(now + revocationSeconds)}`);
  if (!existed) out('No grant was recorded for this user and application (revoked anyway)');
}
