import type { ClientAuthMethod } from '../../dcr/client-metadata.js';
import type { AssertionDependencies } from '../client-auth/assertion.js';
import {
  type ClientResolutionDependencies,
  type ResolvedClient,
  authenticateClient as checkPresentedCredentials,
  resolveClient,
} from '../client-auth/authenticate.js';
import type { PresentedCredentials } from '../client-auth/credentials.js';
import type { TokenContext } from './context.js';
import { asTokenError } from './credentials.js';

/**
 * Who is asking at /token: the shared client resolution (oauth/client-auth/), answered as RFC 6749
 * §5.2 errors. A code presented with a secret or by a public client needs no registry read (the
 * code's binding carries the client and its method; Cognito checks a secret); an assertion needs
 * the client's keys, and the other grants need the client's row: read once, here.
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

export async function authenticateClient(ctx: TokenContext, deps: TokenAuthenticationDependencies): Promise<void> {
  const presented = ctx.presented!;
  if (ctx.grantType === 'authorization_code' && presented.method !== 'private_key_jwt') {
    ctx.client = unreadClient(presented);
    return;
  }
  const { client, registered } = await authenticateTokenClient(presented, deps);
  ctx.client = client;
  ctx.registered = registered;
}

/** The client and how it authenticated, after its registry row is read (and any assertion verified). */
export async function authenticateTokenClient(
  presented: PresentedCredentials,
  deps: TokenAuthenticationDependencies,
): Promise<{ client: TokenClient; registered: ResolvedClient }> {
  try {
    const registered = await resolveClient(presented, deps);
    const audiences = [deps.issuer, `${deps.issuer}/token`];
    const authenticated = await checkPresentedCredentials(presented, registered, { audiences, deps: deps.assertions });
    return { client: { clientId: presented.clientId, method: authenticated.method, secret: authenticated.secret }, registered };
  } catch (error) {
    throw asTokenError(error);
  }
}

/** A client that needs no registry read to authenticate (see above). */
const unreadClient = (presented: PresentedCredentials): TokenClient => ({
  clientId: presented.clientId,
  method: presented.method,
  ...('secret' in presented && { secret: presented.secret }),
});
