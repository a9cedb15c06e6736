import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ResolvedClient } from '../client-auth/authenticate.js';
import type { PresentedCredentials } from '../client-auth/credentials.js';
import type { CodeGrants } from '../code-grants.js';
import type { AppGrantDependencies } from './app-grant.js';
import type { TokenAuthenticationDependencies, TokenClient } from './client-authentication.js';
import type { CognitoTokenEndpoint, CognitoTokens } from './cognito-token-endpoint.js';

/** The request as API Gateway hands it over: the form-encoded body and its headers. */
export type TokenRequest = Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>;

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** What one grant answers: Cognito's tokens and, where the facade knows it, the scope granted. */
export interface TokenResponse {
  tokens: CognitoTokens;
  scope?: string;
}

/**
 * What the steps of /token learn about one request, filled in by TOKEN_STEPS in order (each field
 * says which step sets it; a later step may rely on it).
 */
export interface TokenContext {
  readonly request: TokenRequest;
  /** readTokenForm. */
  form?: Record<string, string>;
  /** checkGrantType. */
  grantType?: GrantType;
  /** readClientCredentials: who the request says it comes from, and how it proves it. */
  presented?: PresentedCredentials;
  /** authenticateClient. */
  client?: TokenClient;
  /** authenticateClient, when it read the client's registry row (not for a code without an assertion). */
  registered?: ResolvedClient;
  /** exchangeGrant. */
  response?: TokenResponse;
}

export const newTokenContext = (request: TokenRequest): TokenContext => ({ request });

export interface TokenDependencies extends TokenAuthenticationDependencies, AppGrantDependencies {
  grants: CodeGrants;
  cognito: CognitoTokenEndpoint;
  callbackUrl: string;
  resource: string;
  clientCredentialsEnabled: boolean;
  now: () => number;
}

/** One step of /token (index.ts, TOKEN_STEPS): it refuses by throwing an OAuthError, or notes what it learnt on the context. */
export type TokenStep = (ctx: TokenContext, deps: TokenDependencies) => void | Promise<void>;
