/**
 * Region names and regional endpoints as the AWS SDK v3 resolves them (its partitions.json), in
 * one place for every SDK-free adapter (DynamoDB, Cognito, STS, CloudWatch): the adapters differ
 * only in the service's host name and how they report a problem.
 */
export const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;
/** Partitions whose endpoints an adapter cannot guess: the operator sets AWS_ENDPOINT_URL_<SERVICE>. */
export const ISOLATED_REGION = /^(?:us-iso[a-z]?|eu-isoe)-/;

// The partitions whose DNS suffix is not amazonaws.com.
const DNS_SUFFIXES: Array<[RegExp, string]> = [
  [/^cn-\w+-\d+$/, 'amazonaws.com.cn'],
  [/^eusc-de-\w+-\d+$/, 'amazonaws.eu'],
];

/** `https://{host}[-fips].{region}.{suffix}` (FIPS when AWS_USE_FIPS_ENDPOINT=true); `region` must match REGION_NAME. */
export function regionalEndpoint(host: string, region: string, env: Record<string, string | undefined>): string {
  const suffix = DNS_SUFFIXES.find(([pattern]) => pattern.test(region))?.[1] ?? 'amazonaws.com';
  return `https://${host}${env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : ''}.${region}.${suffix}`;
}

/** The region to sign with: the configured one, or us-east-1 where only a local endpoint is set (no AWS_REGION). */
export function signingRegion(region: string): string {
  return REGION_NAME.test(region) ? region : 'us-east-1';
}
