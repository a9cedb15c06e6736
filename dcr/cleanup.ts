import type { AppClients } from './cognito-app-clients.js';
import type { ClientRegistry } from './client-registry.js';
import { DCR_CLIENT_NAME_PREFIX } from './register-client.js';

/**
 * The daily clean-up of dynamic clients, so that the pool's ~1,000 app client slots are not
 * filled by clients nobody uses:
 *  - active clients not used for `unusedDays` (lastUsedAt, refreshed by the authorizer, or
 *    createdAt when never used) are marked deleted, then removed from Cognito and the registry;
 *  - clients already marked deleted (an RFC 7592 DELETE whose Cognito call failed) are finished;
 *  - app clients this function's naming marks as dynamic ("dcr …") that the registry does not
 *    know (a registration whose rollback failed) are deleted once older than `orphanGraceSeconds`,
 *    so that a registration still in flight is never touched.
 * One failure does not stop the run; failures are reported and retried the next day.
 */
export interface CleanupOptions {
  unusedDays: number;
  now?: Date;
  orphanGraceSeconds?: number;
}

export interface CleanupReport {
  unused: string[];
  finished: string[];
  orphans: string[];
  failed: Array<{ clientId: string; error: string }>;
  activeCount: number;
}

export async function cleanUpClients(
  dependencies: { registry: ClientRegistry; appClients: AppClients },
  options: CleanupOptions,
): Promise<CleanupReport> {
  const { registry, appClients } = dependencies;
  const now = options.now ?? new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const unusedBefore = nowSeconds - options.unusedDays * 86_400;
  const report: CleanupReport = { unused: [], finished: [], orphans: [], failed: [], activeCount: 0 };
  const known = new Set<string>();
  const attempt = async (clientId: string, list: string[], work: () => Promise<void>) => {
    try {
      await work();
      list.push(clientId);
    } catch (error) {
      report.failed.push({ clientId, error: error instanceof Error ? error.message : String(error) });
    }
  };

  for await (const client of registry.all()) {
    known.add(client.clientId);
    const active = client.status === undefined || client.status === 'active';
    if (!active) {
      await attempt(client.clientId, report.finished, async () => {
        await appClients.deleteClient(client.clientId);
        await registry.remove(client.clientId);
      });
    } else if ((client.lastUsedAt ?? client.createdAt) < unusedBefore) {
      await attempt(client.clientId, report.unused, async () => {
        await registry.markDeleted(client.clientId, nowSeconds);
        await appClients.deleteClient(client.clientId);
        await registry.remove(client.clientId);
      });
    } else {
      report.activeCount += 1;
    }
  }

  const graceMs = (options.orphanGraceSeconds ?? 3600) * 1000;
  for (const candidate of await appClients.listClients()) {
    if (known.has(candidate.clientId) || !candidate.name.startsWith(DCR_CLIENT_NAME_PREFIX)) continue;
    const created = await appClients.createdAt(candidate.clientId);
    if (!created || now.getTime() - created.getTime() < graceMs) continue;
    // The registry may have gained the row since the scan began.
    if (await registry.get(candidate.clientId)) continue;
    await attempt(candidate.clientId, report.orphans, () => appClients.deleteClient(candidate.clientId));
  }
  return report;
}
