import { z } from 'zod';

/**
 * The contract between the authorizer and the functions behind it. API Gateway only carries
 * string, number and boolean context values, and serverless-offline turns them all into strings,
 * so every field travels as a string: lists space-separated (neither OAuth scopes nor Cognito group
 * names may contain whitespace), times as epoch seconds.
 */
export interface AuthorizerContext {
  /** Who is calling: the user's sub for a token; the key's owner for an API key. */
  principal: string;
  auth_method: AuthMethod;
  sub: string;
  username: string;
  client_id: string;
  scope: string;
  groups: string;
  jti: string;
  exp: string;
  client_source: ClientTrust;
  /** A CIMD client's metadata document URL (its client_id as the client knows it); absent otherwise. */
  client_metadata_url?: string;
}

export type AuthMethod = 'jwt' | 'api_key';

/**
 * How far the client is trusted: `operator` for app clients the operator registered (`npm run
 * admin -- client register`) and for API keys, `dynamic` for every client anyone could register
 * (DCR, CIMD). How a client registered is another question (lib/client-record.ts RegisteredBy,
 * mapped to this by its trustOf). Group-granted scopes only apply to operator clients: a
 * lookalike client registered by anyone must not inherit an administrator's powers because the
 * administrator signed in with it. Travels as `client_source` (the name deployed authorizers'
 * cached contexts carry).
 */
export type ClientTrust = 'operator' | 'dynamic';

/** The caller as the functions behind the authorizer see it. */
export interface CallerIdentity {
  principal: string;
  authMethod: AuthMethod;
  sub: string;
  username: string;
  clientId: string;
  scopes: string[];
  groups: string[];
  tokenId: string;
  /** Epoch seconds. */
  expiresAt: number;
  clientTrust: ClientTrust;
  /** A CIMD client's metadata document URL; clientId is then its Cognito app client. */
  clientMetadataUrl?: string;
}

const words = (value: string) => value.split(' ').filter((word) => word.length > 0);
const hasNoWhitespace = (value: string) => !/\s/.test(value);

export function toAuthorizerContext(identity: CallerIdentity): AuthorizerContext {
  if (![...identity.scopes, ...identity.groups].every(hasNoWhitespace)) {
    throw new Error('Scopes and groups must not contain whitespace');
  }
  return {
    principal: identity.principal,
    auth_method: identity.authMethod,
    sub: identity.sub,
    username: identity.username,
    client_id: identity.clientId,
    scope: identity.scopes.join(' '),
    groups: identity.groups.join(' '),
    jti: identity.tokenId,
    exp: String(identity.expiresAt),
    client_source: identity.clientTrust,
    ...(identity.clientMetadataUrl ? { client_metadata_url: identity.clientMetadataUrl } : {}),
  };
}

// Built on first use, not at import: the authorizer only writes the context and so bundles no zod.
let contextSchema: ReturnType<typeof buildContextSchema> | undefined;
const buildContextSchema = () => z.object({
  principal: z.string().min(1),
  auth_method: z.enum(['jwt', 'api_key']),
  sub: z.string().min(1),
  username: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string(),
  groups: z.string(),
  jti: z.string(),
  exp: z.coerce.string().regex(/^\d+$/),
  // Absent (an older authorizer): the less trusted kind.
  client_source: z.enum(['operator', 'dynamic']).default('dynamic'),
  client_metadata_url: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * Reads the identity back from `event.requestContext.authorizer`. Returns undefined when the
 * context is missing or malformed: a function must then refuse the request, never guess.
 */
export function fromAuthorizerContext(context: unknown): CallerIdentity | undefined {
  contextSchema ??= buildContextSchema();
  const parsed = contextSchema.safeParse(context);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  return {
    principal: value.principal,
    authMethod: value.auth_method,
    sub: value.sub,
    username: value.username,
    clientId: value.client_id,
    scopes: words(value.scope),
    groups: words(value.groups),
    tokenId: value.jti,
    expiresAt: Number(value.exp),
    clientTrust: value.client_source,
    ...(value.client_metadata_url ? { clientMetadataUrl: value.client_metadata_url } : {}),
  };
}
