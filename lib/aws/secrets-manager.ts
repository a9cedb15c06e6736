import type { Send } from './http-send.js';
import { AwsJsonError, createAwsJsonCall, credentialsFromEnvironment, SDK_STANDARD_RETRY } from './aws-json-call.js';
import { resolveAwsEndpoint } from './endpoints.js';
import { signingRegion } from './region.js';

/**
 * GetSecretValue over Secrets Manager's JSON 1.1 API, signed by ./sigv4.ts (via aws-json-call.ts) rather than loading the
 * AWS SDK's Secrets Manager client (cold start), at the endpoint the SDK would use (./endpoints.ts:
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, which points it at the local stack's stand-in, AWS_ENDPOINT_URL,
 * FIPS, every partition). Used for generated keys:
 * a SecretString shorter than 32 characters is refused as a misconfiguration.
 * `versionStage` picks a staging label (AWSCURRENT when absent, as on AWS; AWSPREVIOUS is the
 * version a put-secret-value or a rotation displaced); a label no version carries is
 * SecretNotFoundError, as is an unknown secret (AWS answers ResourceNotFoundException to both).
 */
export interface SecretSource {
  secretId: string;
  env?: Record<string, string | undefined>;
  fetch?: Send;
}

// Secrets Manager's model names no throttling error of its own; AWS's generic ones (and HTTP 429).
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

/** Staging labels are 1 to 256 characters (GetSecretValue's VersionStage); ours are AWS's own. */
export type VersionStage = 'AWSCURRENT' | 'AWSPREVIOUS';

export async function getSecretValue(source: SecretSource, versionStage?: VersionStage): Promise<string> {
  const env = source.env ?? process.env;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  const credentials = credentialsFromEnvironment(env);
  if (!credentials) throw new Error('No AWS credentials in the environment');
  const { endpoint, problem } = resolveAwsEndpoint('secretsManager', env, region);
  if (endpoint === undefined) throw new Error(`No Secrets Manager endpoint: ${problem}`);
  const call = createAwsJsonCall({
    label: 'Secrets Manager',
    signingName: 'secretsmanager',
    region: signingRegion(region),
    endpoint,
    credentials,
    jsonVersion: '1.1',
    targetPrefix: 'secretsmanager.',
    throttlingErrors: THROTTLING,
    retry: SDK_STANDARD_RETRY,
    // Read once per container, at its first request: 3 s in all, as before, now with retries inside.
    attemptTimeoutMs: 1500,
    budgetMs: 3000,
    fetch: source.fetch,
  });
  let body: { SecretString?: unknown };
  try {
    // A read: repeating it changes nothing.
    body = await call<{ SecretString?: unknown }>(
      'GetSecretValue',
      { SecretId: source.secretId, ...(versionStage && { VersionStage: versionStage }) },
      { idempotent: true },
    );
  } catch (error) {
    if (!(error instanceof AwsJsonError)) throw error;
    if (error.name === 'ResourceNotFoundException') {
      throw new SecretNotFoundError(`GetSecretValue: no ${versionStage ?? 'AWSCURRENT'} version of the secret (ResourceNotFoundException)`, { cause: error });
    }
    throw new Error(`GetSecretValue failed (${error.statusCode === undefined ? '' : `HTTP ${error.statusCode} `}${error.name})`, { cause: error });
  }
  if (typeof body.SecretString !== 'string' || body.SecretString.length < 32) throw new Error('GetSecretValue failed (HTTP 200 no usable SecretString)');
  return body.SecretString;
}
