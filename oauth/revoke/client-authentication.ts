import type { AssertionDependencies } from '../client-auth/assertion.js';
import {
  type ClientResolutionDependencies,
  type ResolvedClient,
  authenticateClient as checkPresentedCredentials,
  resolveClient,
} from '../client-auth/authenticate.js';
import { ClientAuthenticationError, type PresentedCredentials, presentedCredentials } from '../client-auth/credentials.js';
import { headerValue } from '../../lib/http/request-body.js';
import type { RevocationContext } from './context.js';
import { BASIC_CHALLENGE, RevocationRequestError } from './errors.js';

/**
 * Who is asking at /revoke: the shared credentials parser and client resolution (oauth/client-auth/),
 * answered in RFC 7009 §2.2.1's form; a client that tried HTTP Basic and failed gets a Basic challenge.
 */
export interface RevocationForm {
  token: string | undefined;
  tokenTypeHint: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientAssertionType?: string | undefined;
  clientAssertion?: string | undefined;
}

export interface RevocationAuthenticationDependencies extends ClientResolutionDependencies {
  /** The issuer; assertions may name it, the token endpoint or the revocation endpoint as their audience. */
  issuer: string;
  assertions: AssertionDependencies;
}

const asRevocationError = (error: unknown): unknown =>
  error instanceof ClientAuthenticationError
    ? new RevocationRequestError(error.code === 'invalid_client' ? 401 : 400, error.code, error.message, error.basic ? BASIC_CHALLENGE : undefined)
    : error;

export function revocationCredentials(authorization: string | undefined, form: RevocationForm): PresentedCredentials {
  try {
    return presentedCredentials(authorization, {
      client_id: form.clientId,
      client_secret: form.clientSecret,
      client_assertion_type: form.clientAssertionType,
      client_assertion: form.clientAssertion,
    });
  } catch (error) {
    throw asRevocationError(error);
  }
}

/** The client (its registry row read once) and, for an assertion, its verification. */
export async function authenticateRevocationClient(
  presented: PresentedCredentials,
  deps: RevocationAuthenticationDependencies,
): Promise<{ client: ResolvedClient; secret: string | undefined }> {
  try {
    const client = await resolveClient(presented, deps);
    const audiences = [deps.issuer, `${deps.issuer}/token`, `${deps.issuer}/revoke`];
    const authenticated = await checkPresentedCredentials(presented, client, { audiences, deps: deps.assertions });
    return { client, secret: authenticated.secret };
  } catch (error) {
    throw asRevocationError(error);
  }
}

/** Exactly one authentication method, well-formed; whether it is right is the next step's question. */
export function readClientCredentials(ctx: RevocationContext): undefined {
  ctx.presented = revocationCredentials(headerValue(ctx.request.headers, 'authorization'), ctx.form!);
  ctx.challenge = ctx.presented.method === 'client_secret_basic' ? BASIC_CHALLENGE : undefined;
  return undefined;
}

export async function authenticateClient(ctx: RevocationContext, deps: RevocationAuthenticationDependencies): Promise<undefined> {
  ({ client: ctx.client, secret: ctx.secret } = await authenticateRevocationClient(ctx.presented!, deps));
  return undefined;
}
