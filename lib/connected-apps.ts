import { type AppClientRecord, type ClientItem, isCimdAlias } from './client-record.js';
import type { AppGrants } from './app-grants.js';

/**
 * Connected apps as a person sees them: the user's grants (lib/app-grants.ts) joined with the
 * client registry for each application's name and how it registered. One implementation behind
 * the /apps page and `npm run admin -- apps list|revoke`.
 *
 * A grant whose client is gone (deleted by the clean-up, revoked or deleted by an operator) is
 * not listed: its tokens are refused anyway (the authorizer reads the client's row), and the
 * grant row lapses on its own (`expiresAt`). The clean-up therefore does not touch GrantsTable.
 */
export type Registration = { kind: 'cimd'; host: string; documentUrl: string } | { kind: 'self-registered'; on: number } | { kind: 'operator' };

export interface ConnectedApp {
  /** The Cognito app client id: what the Revoke form carries and what tokens name. */
  clientId: string;
  /** The name the application chose for itself (never verified). */
  name: string;
  registration: Registration;
  /** Full scope names of the last token issued. */
  scopes: string[];
  firstSignedInAt: number;
  lastUsedAt: number;
}

export interface ConnectedAppsDependencies {
  appGrants: AppGrants;
  registry: { get(clientId: string): Promise<ClientItem | undefined> };
}

function registrationOf(client: AppClientRecord): Registration {
  if (client.source === 'cimd' && client.cimdUrl) {
    let host = client.cimdUrl;
    try {
      host = new URL(client.cimdUrl).host;
    } catch {
      // A stored URL that does not parse is shown whole (escaped by the page).
    }
    return { kind: 'cimd', host, documentUrl: client.cimdUrl };
  }
  if (client.source === 'manual') return { kind: 'operator' };
  return { kind: 'self-registered', on: client.createdAt ?? 0 };
}

/** One Query for the grants, then one GetItem per application, in parallel. */
export async function listConnectedApps(sub: string, now: number, deps: ConnectedAppsDependencies): Promise<ConnectedApp[]> {
  const grants = await deps.appGrants.listForUser(sub, now);
  const clients = await Promise.all(grants.map((grant) => deps.registry.get(grant.clientId)));
  const apps: ConnectedApp[] = [];
  grants.forEach((grant, index) => {
    const client = clients[index];
    // Grants name app clients; a CIMD document's alias row is never one.
    if (!client || isCimdAlias(client) || client.status !== 'active') return;
    apps.push({
      clientId: grant.clientId,
      name: client.clientName ?? client.clientId,
      registration: registrationOf(client),
      scopes: grant.scope.split(' ').filter(Boolean),
      firstSignedInAt: grant.firstSignedInAt,
      lastUsedAt: grant.lastUsedAt,
    });
  });
  return apps;
}

/** Syntax of a Cognito app client id (what /apps and the CLI accept before touching any table). */
export const APP_CLIENT_ID = /^[\w+]{1,128}$/;
