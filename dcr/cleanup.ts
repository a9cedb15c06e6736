import type { CimdRetirement } from './cimd/cimd-retirement.js';
import type { AppClients } from './cognito-app-clients.js';
import { type AppClientRecord, MalformedClientRecordError, isActiveAppClient, isActiveClient, isCimdAlias } from '../lib/client-record.js';
import { ClientNotActiveError, type ClientRegistry } from './client-registry.js';
import { DCR_CLIENT_NAME_PREFIX } from './app-client-request.js';

/**
 * The hourly clean-up of registered clients, so that the pool's ~1,000 app client slots are not
 * filled by clients nobody uses. It only ever touches clients that registration created: dynamic
 * (isDynamic) and CIMD ones (source 'cimd', one app client per document URL, when `cimd` is given);
 * the operator's own clients (`client register`) are the operator's, however idle.
 * CIMD clients follow the same rules as dynamic ones; their removal order is, and must be:
 *  1. the app client's row marked deleted AND the alias (URL -> app client) deleted, in one
 *     transaction (dcr/cimd/cimd-retirement.ts): from then on the authorizer refuses the old
 *     tokens and /authorize, finding no alias, registers the URL again. Were the alias left
 *     behind even briefly (a run stopping there), /authorize would send users through an app
 *     client whose tokens are refused, or that Cognito no longer has;
 *  2. the Cognito app client. A run stopping before it leaves a 'deleted' row, which the next run
 *     finishes (the row, still present, is what tells it to);
 *  3. the row, last for that reason: removed before Cognito's app client, the app client would be
 *     known only to the name-based orphan sweep.
 * Aliases whose app client's row is gone (written by hand, or an older deletion) are deleted too:
 * /authorize would otherwise send users to an app client that does not exist.
 *  - active dynamic clients not used for `unusedDays` (lastUsedAt, refreshed by the authorizer,
 *    or createdAt when never used) are marked deleted (only if still unused at that moment),
 *    then removed from Cognito and the registry;
 *  - dynamic clients whose deletion was started ('deleted': an RFC 7592 DELETE or an earlier run
 *    whose Cognito call failed) are finished. Any other status, 'revoked' above all (the
 *    operator's `revoke client`, which `undo client` reverses), is left as it is;
 *  - app clients this function's naming marks as dynamic ("dcr …") that the registry does not
 *    know (a registration whose rollback failed) are deleted once older than `orphanGraceSeconds`,
 *    so that a registration still in flight is never touched.
 * One failure does not stop the run; failures are reported and retried by the next run.
 */
export interface CleanupOptions {
  unusedDays: number;
  /**
   * Dynamic clients never used (no lastUsedAt: no token of theirs ever reached /mcp) are removed
   * this many hours after registration. Run hourly, "24 hours" means at most 25. Absent: only
   * unusedDays applies.
   */
  neverUsedHours?: number;
  now?: Date;
  orphanGraceSeconds?: number;
}

export interface CleanupReport {
  unused: string[];
  /** Of `unused`, those removed because they were never used within neverUsedHours. */
  neverUsed: string[];
  finished: string[];
  orphans: string[];
  /** Alias rows (CIMD document URLs) deleted because their app client's row was gone. */
  danglingAliases: string[];
  failed: Array<{ clientId: string; error: string }>;
  /**
   * Active app clients left in the registry, whoever registered them (lib/client-record.ts
   * isActiveAppClient, the definition registration's cap counts by): the DynamicClientCount metric.
   * A row that does not parse is in `failed`, not here.
   */
  activeAppClients: number;
  /** Rows left alone because nothing shows dynamic registration created them. */
  notDynamic: number;
}

/**
 * Whether dynamic registration created the client. Rows carry `source` since the clean-up needed
 * it; older DCR rows have none, but every one of them has `registrationTokenHash` (RFC 7592), which
 * neither `client register` (always `source: 'manual'`) nor a row written by hand has. A row that
 * shows neither is not ours to delete.
 */
export function isDynamic(client: Pick<AppClientRecord, 'source' | 'registrationTokenHash'>): boolean {
  if (client.source !== undefined) return client.source === 'dcr';
  return typeof client.registrationTokenHash === 'string' && client.registrationTokenHash.length > 0;
}

/** A CIMD client's own row (keyed by its app client id); its alias row (kind 'cimd') is not a client. */
export const isCimdClient = (client: Pick<AppClientRecord, 'source'>): boolean => client.source === 'cimd';

// A row without createdAt (only ever written by hand) is never idle: nothing shows when it was made.
const lastActivity = (client: Pick<AppClientRecord, 'lastUsedAt' | 'createdAt'>) => client.lastUsedAt ?? client.createdAt ?? Number.POSITIVE_INFINITY;

const isNeverUsed = (client: Pick<AppClientRecord, 'lastUsedAt' | 'createdAt'>, before: number | undefined) =>
  before !== undefined && client.lastUsedAt === undefined && lastActivity(client) < before;

export async function cleanUpClients(
  dependencies: { registry: ClientRegistry; appClients: AppClients; cimd?: CimdRetirement },
  options: CleanupOptions,
): Promise<CleanupReport> {
  const { registry, appClients, cimd } = dependencies;
  const now = options.now ?? new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const unusedBefore = nowSeconds - options.unusedDays * 86_400;
  const neverUsedBefore = options.neverUsedHours === undefined ? undefined : nowSeconds - options.neverUsedHours * 3600;
  const report: CleanupReport = { unused: [], neverUsed: [], finished: [], orphans: [], danglingAliases: [], failed: [], activeAppClients: 0, notDynamic: 0 };
  const known = new Set<string>();
  const aliases: Array<{ url: string; appClientId: string }> = [];
  const attempt = async (clientId: string, list: string[], work: () => Promise<void>) => {
    try {
      await work();
      list.push(clientId);
    } catch (error) {
      report.failed.push({ clientId, error: error instanceof Error ? error.message : String(error) });
    }
  };

  // A row that does not parse is left alone, and so is its app client (never taken for an orphan).
  const malformed = (error: MalformedClientRecordError) => {
    known.add(error.clientId);
    report.failed.push({ clientId: error.clientId, error: error.message });
  };
  const rowExists = (clientId: string) =>
    registry.get(clientId).then(Boolean, (error: unknown) => {
      if (error instanceof MalformedClientRecordError) return true;
      throw error;
    });

  for await (const client of registry.all(malformed)) {
    if (isCimdAlias(client)) {
      // Part of its app client's registration, counted and removed with it (registration's count skips it too).
      aliases.push({ url: client.clientId, appClientId: client.aliasOf });
      continue;
    }
    known.add(client.clientId);
    const active = isActiveClient(client);
    if (isActiveAppClient(client)) report.activeAppClients += 1;
    const retireCimd = isCimdClient(client) && cimd !== undefined && client.cimdUrl !== undefined;
    if (!isDynamic(client) && !retireCimd) {
      report.notDynamic += 1;
      continue;
    }
    if (client.status === 'deleted') {
      await attempt(client.clientId, report.finished, async () => {
        if (retireCimd) await cimd!.removeAlias(client.cimdUrl!, client.clientId);
        await appClients.deleteClient(client.clientId);
        await registry.remove(client.clientId);
      });
    } else if (active && (lastActivity(client) < unusedBefore || isNeverUsed(client, neverUsedBefore))) {
      const neverUsed = isNeverUsed(client, neverUsedBefore);
      try {
        // Only if still unused at this moment (a never-used client has no lastUsedAt, so any use since counts).
        const before = neverUsed ? neverUsedBefore : unusedBefore;
        if (retireCimd) await cimd!.retire(client.clientId, client.cimdUrl!, nowSeconds, before);
        else await registry.markDeleted(client.clientId, nowSeconds, before);
      } catch (error) {
        // Used (or revoked, or deleted) since the scan read it: not idle any more, leave it.
        if (error instanceof ClientNotActiveError) continue;
        report.failed.push({ clientId: client.clientId, error: error instanceof Error ? error.message : String(error) });
        continue;
      }
      report.activeAppClients -= 1;
      await attempt(client.clientId, report.unused, async () => {
        await appClients.deleteClient(client.clientId);
        await registry.remove(client.clientId);
      });
      if (neverUsed && report.unused.includes(client.clientId)) report.neverUsed.push(client.clientId);
    }
  }

  if (cimd) {
    for (const { url, appClientId } of aliases) {
      if (known.has(appClientId)) continue;
      // A first use writes alias and row together; the scan may have passed the row's place before it existed.
      if (await rowExists(appClientId)) continue;
      await attempt(url, report.danglingAliases, () => cimd.removeAlias(url, appClientId));
    }
  }

  const graceMs = (options.orphanGraceSeconds ?? 3600) * 1000;
  for (const candidate of await appClients.listClients()) {
    if (known.has(candidate.clientId) || !candidate.name.startsWith(DCR_CLIENT_NAME_PREFIX)) continue;
    const created = await appClients.createdAt(candidate.clientId);
    if (!created || now.getTime() - created.getTime() < graceMs) continue;
    // The registry may have gained the row since the scan began.
    if (await rowExists(candidate.clientId)) continue;
    await attempt(candidate.clientId, report.orphans, () => appClients.deleteClient(candidate.clientId));
  }
  return report;
}
