import { ClientCapacityError } from '../errors.js';
import type { RegistrationDependencies, RegistrationPolicy } from './policy.js';

/** The operator's cap (dcrMaxClients) on active app clients in the registry, whoever registered them; the count also feeds the quota alarm. */
export async function checkClientCapacity(policy: RegistrationPolicy, dependencies: RegistrationDependencies): Promise<void> {
  if (policy.maxClients === undefined) return;
  const count = await dependencies.registry.countActiveAppClients();
  dependencies.onClientCount?.(count);
  if (count >= policy.maxClients) throw new ClientCapacityError(policy.maxClients);
}
