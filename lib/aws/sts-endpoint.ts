/**
 * The STS endpoint the AWS SDK v3 would use (./endpoints.ts): always a regional one (the SDK's
 * default since v3; the global endpoint is never used, so the call stays in the function's
 * region). Throws an StsError named ConfigurationError when the environment does not say where
 * to call.
 */
import { resolveAwsEndpoint } from './endpoints.js';
import { StsError } from './sts-error.js';

export function stsEndpoint(env: Record<string, string | undefined>, region: string): string {
  const { endpoint, problem } = resolveAwsEndpoint('sts', env, region);
  if (endpoint === undefined) throw new StsError('ConfigurationError', problem);
  return endpoint;
}
