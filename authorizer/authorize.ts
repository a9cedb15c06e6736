import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { CallerIdentity } from '../lib/identity.js';
import type { AccessTokenVerifier } from './access-token.js';
import { extractBearerToken } from './bearer-token.js';

export type DenyReason = 'missing_or_malformed_header' | 'invalid_token';

export type Decision =
  | { effect: 'allow'; identity: CallerIdentity }
  | { effect: 'deny'; reason: DenyReason; detail?: string };

/**
 * Decides on one request. Never throws: any failure, including an unexpected one, is a deny.
 */
export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEvent, 'headers'>,
  verify: AccessTokenVerifier,
): Promise<Decision> {
  const token = extractBearerToken(event.headers);
  if (token === undefined) return { effect: 'deny', reason: 'missing_or_malformed_header' };
  try {
    return { effect: 'allow', identity: await verify(token) };
  } catch (error) {
    // The error names the failed check (expired, bad signature, ...) and never contains the token.
    return { effect: 'deny', reason: 'invalid_token', detail: describeFailure(error, token) };
  }
}

/** The failed check, for the log. Never the token, even if a verifier were to quote it. */
function describeFailure(error: unknown, token: string): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return text.replaceAll(token, '[token]').slice(0, 300);
}
