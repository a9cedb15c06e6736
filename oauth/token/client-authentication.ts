import type { ClientAuthMethod } from '../../dcr/client-metadata.js';
import type { AssertionDependencies } from '../client-auth/assertion.js';
import { type ClientResolutionDependencies, type ResolvedClient, authenticateClient, resolveClient } from '../client-auth/authenticate.js';
import { ClientAuthenticationError, type PresentedCredentials, presentedCredentials } from '../client-auth/credentials.js';
import { OAuthError } from '../errors.js';

/**
 * Who is asking at /token: the shared credentials parser and client resolution (oauth/client-auth/),
 * answered as RFC 6749 §5.2 errors. A code presented with a secret or by a public client needs no
 * registry read (the code's binding carries the client and its method; Cognito checks a secret);
 * an assertion needs the client's keys, and the other grants need the client's row.
 */
export interface TokenClient {
  clientId: string;
  secret?: string | undefined;
  method: ClientAuthMethod;
}

export const BASIC_CHALLENGE = 'Basic realm="token", charset="UTF-8"';

export interface TokenAuthenticationDependencies extends ClientResolutionDependencies {
  /** The issuer; assertions may name it or the token endpoint as their audience. */
  issuer: string;
  assertions: AssertionDependencies;
}

const asOAuth = (error: unknown): unknown =>
  error instanceof ClientAuthenticationError ? new OAuthError(error.code, error.message, error.code === 'invalid_client' ? 401 : 400) : error;

export function presentedTokenCredentials(authorization: string | undefined, form: Record<string, string>): PresentedCredentials {
  try {
    return presentedCredentials(authorization, form);
  } catch (error) {
    throw asOAuth(error);
  }
}

/** The client and how it authenticated, after its registry row is read (and any assertion verified). */
export async function authenticateTokenClient(
  presented: PresentedCredentials,
  deps: TokenAuthenticationDependencies,
): Promise<{ client: TokenClient; registered: ResolvedClient }> {
  try {
    const registered = await resolveClient(presented, deps);
    const audiences = [deps.issuer, `${deps.issuer}/token`];
    const authenticated = await authenticateClient(presented, registered, { audiences, deps: deps.assertions });
    return { client: { clientId: presented.clientId, method: authenticated.method, secret: authenticated.secret }, registered };
  } catch (error) {
    throw asOAuth(error);
  }
}

/** A client that needs no registry read to authenticate (see above). */
export const unreadClient = (presented: PresentedCredentials): TokenClient => ({
  clientId: presented.clientId,
  method: presented.method,
  ...('secret' in presented && { secret: presented.secret }),
});
