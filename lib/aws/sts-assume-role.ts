import { type Send, type SendAnswer, httpSend } from './http-send.js';
import type { SessionIdentity } from './session-identity.js';
import { signRequest } from './sigv4.js';
import { StsError } from './sts-error.js';
import { type AssumeRoleResult, parseAssumeRoleResponse, stsErrorOf } from './sts-response.js';

/**
 * STS AssumeRole over its Query API (form-encoded POST, XML answer), signed with SigV4 by
 * ./sigv4.ts: the function's role (the caller of STS) assumes a tool role for one user. No AWS SDK:
 * the STS client would add its whole runtime to the MCP handler's cold start for one call.
 */

/** Credentials that sign a request (the shape ./sigv4.ts and lib/dynamodb/json-api.ts take). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const STS_API_VERSION = '2011-06-15';
/** Seconds a tool session lasts: STS's minimum, so a leaked session is short-lived. */
export const TOOL_SESSION_SECONDS = 900;

export interface AssumeRoleRequest {
  roleArn: string;
  session: SessionIdentity;
  durationSeconds?: number;
}

export interface StsClientOptions {
  region: string;
  /** Origin of the STS endpoint (sts-endpoint.ts). */
  endpoint: string;
  /** The credentials that call STS: the MCP function's own role. */
  credentials: AwsCredentials;
  /** Attempts per call for errors worth retrying (throttling, 5xx, network). */
  maxAttempts?: number;
  /** Injectable so that tests can observe the real requests (fetch, or a stand-in); Node's HTTP client otherwise (http-send.ts). */
  fetch?: Send;
}

export type AssumeRole = (request: AssumeRoleRequest, signal?: AbortSignal) => Promise<AssumeRoleResult>;

const RETRY_JITTER_MS = 40;

/**
 * The form body, in the parameter names of the AssumeRole API reference. TransitiveTagKeys is
 * never sent: tags must not pass on to any role the tool session might assume next.
 */
export function assumeRoleForm(request: AssumeRoleRequest): URLSearchParams {
  const form = new URLSearchParams({
    Action: 'AssumeRole',
    Version: STS_API_VERSION,
    RoleArn: request.roleArn,
    RoleSessionName: request.session.roleSessionName,
    SourceIdentity: request.session.sourceIdentity,
    DurationSeconds: String(request.durationSeconds ?? TOOL_SESSION_SECONDS),
  });
  request.session.tags.forEach((tag, index) => {
    form.set(`Tags.member.${index + 1}.Key`, tag.key);
    form.set(`Tags.member.${index + 1}.Value`, tag.value);
  });
  return form;
}

export function createAssumeRole(options: StsClientOptions): AssumeRole {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);
  const send = options.fetch ?? httpSend;
  const scope = { service: 'sts', region: options.region };

  const attempt = async (body: string, signal: AbortSignal | undefined): Promise<AssumeRoleResult> => {
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, options.credentials, scope);
    let response: SendAnswer;
    let text: string;
    try {
      response = await send(url, { method: 'POST', headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw new StsError('NetworkError', 'STS AssumeRole: no response', undefined, true, { cause: error });
    }
    if (response.ok) return parseAssumeRoleResponse(text, response.status);
    throw stsErrorOf(text, response.status);
  };

  return async (request, signal) => {
    const body = assumeRoleForm(request).toString();
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (signal?.aborted) throw abortError(signal);
      try {
        return await attempt(body, signal);
      } catch (error) {
        if (!(error instanceof StsError && error.retryable && attemptNumber < maxAttempts)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS));
      }
    }
  };
}

function abortError(signal: AbortSignal): StsError {
  const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  return new StsError(timedOut ? 'TimeoutError' : 'AbortError', `STS AssumeRole ${timedOut ? 'timed out' : 'was aborted'}`, undefined, false, {
    cause: signal.reason,
  });
}
