/**
 * The STS endpoint the AWS SDK v3 would use, from the same variables: AWS_ENDPOINT_URL_STS, then
 * AWS_ENDPOINT_URL, else the regional endpoint `https://sts.{region}.{suffix}` (the SDK's default
 * since v3; the global endpoint is never used, so the call stays in the function's region), with
 * `sts-fips` when AWS_USE_FIPS_ENDPOINT=true. Throws an StsError named ConfigurationError when
 * the environment does not say where to call.
 */
import { ISOLATED_REGION, REGION_NAME, regionalEndpoint } from './region.js';
import { StsError } from './sts-error.js';

export function stsEndpoint(env: Record<string, string | undefined>, region: string): string {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (override) {
    let parsed: URL;
    try {
      parsed = new URL(override);
    } catch {
      throw new StsError('ConfigurationError', 'AWS_ENDPOINT_URL_STS is not a URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new StsError('ConfigurationError', 'AWS_ENDPOINT_URL_STS must be an http(s) URL');
    }
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }
  if (!REGION_NAME.test(region)) throw new StsError('ConfigurationError', 'AWS_REGION is missing or not a region name');
  if (ISOLATED_REGION.test(region)) {
    throw new StsError('ConfigurationError', `set AWS_ENDPOINT_URL_STS for the isolated region ${region}`);
  }
  return regionalEndpoint('sts', region, env);
}
