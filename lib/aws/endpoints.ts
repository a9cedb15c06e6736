import { REGION_NAME, partitionOf } from './region.js';

/**
 * Where each AWS service the functions call is reached: one resolution for every SDK-free adapter
 * (DynamoDB, Cognito, Secrets Manager, CloudWatch, STS), from the variables the AWS SDK v3 reads
 * and with its answers (tests/unit/aws-endpoints.test.ts compares them with the SDK's own
 * endpoint rules, service by service):
 * - `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL` (the local stack sets these, so product
 *   code has no local branch);
 * - else `https://{host}[-fips].{region}.{partition's DNS suffix}`, FIPS when
 *   `AWS_USE_FIPS_ENDPOINT=true`, in every partition (China, the European Sovereign Cloud,
 *   GovCloud, the isolated ones).
 */
interface AwsServiceEndpoint {
  /** `AWS_ENDPOINT_URL_` and the SDK's service id, upper case, spaces as underscores. */
  variable: string;
  /** The endpoint's first label. */
  host: string;
  /** In GovCloud the service's regular endpoints are its FIPS ones: the SDK sends FIPS calls there. */
  govCloudFipsIsRegular?: true;
}

export const AWS_SERVICES = {
  dynamodb: { variable: 'AWS_ENDPOINT_URL_DYNAMODB', host: 'dynamodb', govCloudFipsIsRegular: true },
  cognitoIdentityProvider: { variable: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', host: 'cognito-idp' },
  secretsManager: { variable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER', host: 'secretsmanager' },
  cloudWatch: { variable: 'AWS_ENDPOINT_URL_CLOUDWATCH', host: 'monitoring', govCloudFipsIsRegular: true },
  sts: { variable: 'AWS_ENDPOINT_URL_STS', host: 'sts', govCloudFipsIsRegular: true },
} as const satisfies Record<string, AwsServiceEndpoint>;

export type AwsService = keyof typeof AWS_SERVICES;

/** The endpoint (origin and optional path, no trailing slash), or why the environment names none. */
export type EndpointResolution = { endpoint: string; problem?: undefined } | { endpoint?: undefined; problem: string };

export function resolveAwsEndpoint(service: AwsService, env: Record<string, string | undefined>, region: string): EndpointResolution {
  const settings: AwsServiceEndpoint = AWS_SERVICES[service];
  const variable = env[settings.variable] ? settings.variable : env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
  if (variable) return endpointOverride(env[variable]!, variable);
  if (!REGION_NAME.test(region)) return { problem: 'AWS_REGION is missing or not a region name' };
  const partition = partitionOf(region);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' && !(partition.id === 'aws-us-gov' && settings.govCloudFipsIsRegular);
  return { endpoint: `https://${settings.host}${fips ? '-fips' : ''}.${region}.${partition.dnsSuffix}` };
}

/** An `http(s)` origin and path from an endpoint variable, or a problem naming the variable. */
function endpointOverride(value: string, variable: string): EndpointResolution {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: `${variable} is not a URL` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { problem: `${variable} must be an http(s) URL` };
  return { endpoint: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}` };
}
