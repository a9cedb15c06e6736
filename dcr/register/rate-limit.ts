import { RateLimitedError } from '../errors.js';
import { sha256Hex } from '../registration-token.js';
import type { RegistrationContext, RegistrationDependencies, RegistrationPolicy } from './policy.js';

/** Registrations per source address per window (dcrRateLimit), counted by its hash. */
export async function limitRegistrationRate(
  policy: RegistrationPolicy,
  dependencies: RegistrationDependencies,
  context: RegistrationContext,
): Promise<void> {
  if (!policy.rateLimit || !dependencies.rateLimiter || !context.sourceIp) return;
  const decision = await dependencies.rateLimiter.consume(
    `dcr#${sha256Hex(context.sourceIp)}`,
    policy.rateLimit.limit,
    policy.rateLimit.windowSeconds,
    policy.now?.(),
  );
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
}
