import { AwsV4Signer } from 'aws4fetch';

/**
 * The two Cognito user pool calls the MCP function makes (users_revoke_tokens), over Cognito's JSON
 * 1.1 API signed with SigV4 by aws4fetch: the SDK's Cognito client is a large part of that
 * function's cold load otherwise. The admin CLI keeps the SDK (lib/cognito/sdk-api.ts).
 * Errors carry Cognito's own type names (NotAuthorizedException, UserNotFoundException, ...),
 * which is what lib/cognito-outcome.ts reports.
 */
export type CognitoOperation = 'ListUsers' | 'AdminUserGlobalSignOut';

export type CognitoApi = (operation: CognitoOperation, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export class CognitoError extends Error {
  constructor(name: string, message: string, readonly statusCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Per call: the tool answers within the MCP client's patience, whatever Cognito does. */
export const COGNITO_CALL_TIMEOUT_MS = 5000;
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;

export interface CognitoApiOptions {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createCognitoApi(options: CognitoApiOptions): CognitoApi {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? COGNITO_CALL_TIMEOUT_MS;
  return async (operation, input) => {
    const body = JSON.stringify(input);
    const signed = await new AwsV4Signer({
      method: 'POST',
      url,
      headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      body,
      ...options.credentials,
      service: 'cognito-idp',
      region: options.region,
    }).sign();
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await send(signed.url, { method: 'POST', headers: signed.headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new CognitoError('TimeoutError', `Cognito ${operation} timed out after ${timeoutMs} ms`, undefined, { cause: error });
      throw new CognitoError('NetworkError', `Cognito ${operation}: no response`, undefined, { cause: error });
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed) return parsed;
    if (response.ok) throw new CognitoError('InvalidResponse', `Cognito ${operation}: response is not JSON`, response.status);
    // `__type` (AWS; sometimes namespaced `...#Name`), `code` (cognito-local), else the header.
    const type = parsed?.__type ?? parsed?.code ?? response.headers.get('x-amzn-errortype') ?? '';
    const rawName = typeof type === 'string' ? type.split(':')[0]! : '';
    const name = rawName ? rawName.slice(rawName.lastIndexOf('#') + 1) : `Http${response.status}Error`;
    const message = parsed?.message ?? parsed?.Message;
    throw new CognitoError(name, typeof message === 'string' ? message.slice(0, 300) : `Cognito ${operation} failed (HTTP ${response.status})`, response.status);
  };
}

/**
 * From the variables the SDK reads: AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then AWS_ENDPOINT_URL,
 * else the regional endpoint; credentials of the function's role. An incomplete environment fails
 * each call (reported by the tool as 'failed'), not the cold start.
 */
export function cognitoApiFromEnvironment(env: Record<string, string | undefined> = process.env, overrides: Pick<CognitoApiOptions, 'fetch' | 'timeoutMs'> = {}): CognitoApi {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  const override = env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER || env.AWS_ENDPOINT_URL;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  let problem: string | undefined;
  let endpoint = '';
  if (override) {
    try {
      const parsed = new URL(override);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') problem = 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER must be an http(s) URL';
      endpoint = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      problem = 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER is not a URL';
    }
  } else if (!REGION.test(region)) {
    problem = 'AWS_REGION is missing or not a region name';
  } else {
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    endpoint = `https://cognito-idp${env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : ''}.${region}.${suffix}`;
  }
  if (!problem && (!accessKeyId || !secretAccessKey)) problem = 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required';
  if (problem) {
    const error = new CognitoError('ConfigurationError', problem);
    return async () => {
      throw error;
    };
  }
  return createCognitoApi({
    region: REGION.test(region) ? region : 'us-east-1',
    endpoint,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, ...(sessionToken ? { sessionToken } : {}) },
    ...overrides,
  });
}
