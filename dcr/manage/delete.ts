import type { DynamicClientRecord } from '../../lib/client-record.js';
import { ClientNotActiveError } from '../client-registry.js';
import { InvalidTokenError } from '../errors.js';
import type { DcrContext } from '../http/context.js';
import { INVALID, type ManagementDependencies } from './registration-access.js';

export async function answerDelete(ctx: DcrContext) {
  if (ctx.event.httpMethod !== 'DELETE') return undefined;
  const { completed } = await deleteRegistration(ctx.record!, ctx.endpoint.dependencies);
  ctx.endpoint.logger.info('Client registration deleted', { clientId: ctx.record!.clientId, completed });
  return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
}

/**
 * Deletes the client (RFC 7592 §2.3). The registry row is marked deleted first, so the authorizer
 * refuses the client's tokens at once whatever happens next; then the Cognito app client and the
 * row go. If Cognito fails, the row stays marked and the scheduled cleanup finishes the job.
 */
export async function deleteRegistration(
  record: DynamicClientRecord,
  dependencies: ManagementDependencies,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ completed: boolean }> {
  try {
    await dependencies.registry.markDeleted(record.clientId, nowSeconds);
  } catch (error) {
    if (error instanceof ClientNotActiveError) throw new InvalidTokenError(INVALID);
    throw error;
  }
  try {
    await dependencies.appClients.deleteClient(record.clientId);
    await dependencies.registry.remove(record.clientId);
    return { completed: true };
  } catch (error) {
    dependencies.onInconsistency?.(record.clientId, 'Deleted client left for the scheduled cleanup', error);
    return { completed: false };
  }
}
