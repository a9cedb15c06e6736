import { AwsV4Signer } from 'aws4fetch';

/**
 * GetSecretValue over Secrets Manager's JSON 1.1 API, signed by aws4fetch rather than loading the
 * AWS SDK's Secrets Manager client (cold start). AWS_ENDPOINT_URL_SECRETS_MANAGER points it at the
 * local stack's stand-in (the same convention as the SDK's other endpoints). Used for generated keys:
 * a SecretString shorter than 32 characters is refused as a misconfiguration.
 * `versionStage` picks a staging label (AWSCURRENT when absent, as on AWS; AWSPREVIOUS is the
 * version a put-secret-value or a rotation displaced); a label no version carries is
 * SecretNotFoundError, as is an unknown secret (AWS answers ResourceNotFoundException to both).
 */
export interface SecretSource {
  secretId: string;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

/** Staging labels are 1 to 256 characters (GetSecretValue's VersionStage); ours are AWS's own. */
export type VersionStage = 'AWSCURRENT' | 'AWSPREVIOUS';

export async function getSecretValue(source: SecretSource, versionStage?: VersionStage): Promise<string> {
  const env = source.env ?? process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!region || !accessKeyId || !secretAccessKey) throw new Error('No AWS region or credentials in the environment');
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com`;
  const signed = await new AwsV4Signer({
    method: 'POST',
    url: `${endpoint.replace(/\/+$/, '')}/`,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body: JSON.stringify({ SecretId: source.secretId, ...(versionStage && { VersionStage: versionStage }) }),
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN,
    service: 'secretsmanager',
    region,
  }).sign();
  const response = await (source.fetch ?? fetch)(signed.url, {
    method: signed.method,
    headers: signed.headers,
    body: signed.body as BodyInit,
    signal: AbortSignal.timeout(3000),
  });
  const body = (await response.json().catch(() => ({}))) as { SecretString?: string; __type?: string };
  // __type may carry a namespace prefix ("com.amazonaws…#ResourceNotFoundException").
  if (!response.ok && body.__type?.split('#').pop() === 'ResourceNotFoundException') {
    throw new SecretNotFoundError(`GetSecretValue: no ${versionStage ?? 'AWSCURRENT'} version of the secret (ResourceNotFoundException)`);
  }
  if (!response.ok || typeof body.SecretString !== 'string' || body.SecretString.length < 32) {
    throw new Error(`GetSecretValue failed (HTTP ${response.status} ${body.__type ?? ''})`.trim());
  }
  return body.SecretString;
}
