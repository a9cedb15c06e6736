import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RevocationStore } from '../../lib/revocations.js';
import type { ResolvedClient } from '../client-auth/authenticate.js';
import type { PresentedCredentials } from '../client-auth/credentials.js';
import type { RevocationAuthenticationDependencies, RevocationForm } from './client-authentication.js';

/** The request as API Gateway hands it over: the form-encoded body and its headers. */
export type RevocationRequest = Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>;

/** What a revocation comes to (RFC 7009 §2.2: both are answered 200). */
export type RevocationOutcome = 'revoked' | 'ignored';

/**
 * What the steps of /revoke learn about one request, filled in by REVOKE_STEPS in order (each field
 * says which step sets it; a later step may rely on it).
 */
export interface RevocationContext {
  readonly request: RevocationRequest;
  /** readForm. */
  form?: RevocationForm;
  /** requireToken. */
  token?: string;
  /** readClientCredentials. */
  presented?: PresentedCredentials;
  /** readClientCredentials: the challenge of a refusal when the client tried HTTP Basic. */
  challenge?: string;
  /** authenticateClient: the client (its registry row) and the secret it presented. */
  client?: ResolvedClient;
  secret?: string;
  /** compareClientSecret: the secret Cognito holds, for RevokeToken (undefined for clients without one). */
  cognitoSecret?: string;
}

export const newRevocationContext = (request: RevocationRequest): RevocationContext => ({ request });

export interface VerifiedAccessToken {
  clientId: string;
  jti: string;
  exp: number;
}

export interface RevocationDependencies extends RevocationAuthenticationDependencies {
  revocations: Pick<RevocationStore, 'revoke'>;
  /** The client's secret in Cognito (undefined for public clients). */
  clientSecret(clientId: string): Promise<string | undefined>;
  /** Resolves for a valid access token of the pool; rejects otherwise. */
  verifyAccessToken(token: string): Promise<VerifiedAccessToken>;
  /** Cognito RevokeToken; resolves 'revoked', 'unknown' (not a token Cognito knows) or 'unsupported'. */
  revokeRefreshToken(token: string, clientId: string, clientSecret?: string): Promise<'revoked' | 'unknown' | 'unsupported'>;
}

/**
 * One step of /revoke (index.ts, REVOKE_STEPS): it refuses by throwing a RevocationRequestError,
 * ends the request with its outcome, or returns nothing for the next step, having noted what it
 * learnt on the context.
 */
export type RevocationStep = (
  ctx: RevocationContext,
  deps: RevocationDependencies,
) => RevocationOutcome | undefined | Promise<RevocationOutcome | undefined>;
