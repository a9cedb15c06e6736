import { z } from 'zod';
import { isLoopbackHost } from '../lib/http/loopback.js';
import { type RedirectUriPolicy, checkRedirectUri, redirectUriKey } from './redirect-uri.js';

/** RFC 7591 §3.2.2 error codes. */
export type RegistrationErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly code: RegistrationErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

export const MAX_REDIRECT_URIS = 10;
/** The methods a registration (DCR) may name: a registered client has a secret or none. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
/** Every method a client may authenticate with here: CIMD clients may also sign assertions (RFC 7523). */
export type ClientAuthMethod = TokenEndpointAuthMethod | 'private_key_jwt';
export const isClientAuthMethod = (value: unknown): value is ClientAuthMethod =>
  value === 'private_key_jwt' || (TOKEN_ENDPOINT_AUTH_METHODS as readonly unknown[]).includes(value);
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * Printable text only: no control characters (log injection, header smuggling via client_name),
 * and no invisible formatting characters (Unicode category Cf: right-to-left overrides and
 * isolates, zero-width spaces and joiners, the BOM; and the line and paragraph separators), which
 * can reverse or hide the text around a name on the consent page.
 */
const FORMAT_CHARACTERS = /[\p{Cf}\u2028\u2029]/u;
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters')
    .refine((value) => !FORMAT_CHARACTERS.test(value), 'must not contain invisible formatting characters (such as right-to-left overrides or zero-width characters)');

/** A list of names (grant or response types, auth methods) as a client may send it: bounded strings. */
const nameList = z
  .array(z.string({ error: 'must be an array of strings' }).max(256, 'must be at most 256 characters'), { error: 'must be an array' })
  .max(16, 'lists too many values');

const optionalHttpsUri = z
  .url({ protocol: /^https$/, error: 'must be an https URL' })
  .max(1024, 'must be at most 1024 characters')
  .optional();

/**
 * The client metadata this server accepts (RFC 7591 §2), every field bounded. Unknown fields are
 * ignored, as the RFC asks; the consistency rules between fields are in parseClientMetadata.
 */
const clientMetadataSchema = z.object({
  redirect_uris: z
    .array(z.string(), { error: 'must be an array of URIs' })
    .max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect URIs are allowed`)
    .optional(),
  token_endpoint_auth_method: z.string({ error: `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}` }).max(256).optional(),
  // OpenID Connect "RP Metadata Choices": the methods the client can use, of which the server picks one.
  token_endpoint_auth_methods_supported: nameList.optional(),
  grant_types: nameList.min(1, 'must not be empty').default(['authorization_code', 'refresh_token']),
  response_types: nameList.optional(),
  // OpenID Connect Registration §2, which the MCP 2026-07-28 clients send: checked against the redirect URIs.
  application_type: z.enum(['web', 'native'], { error: 'must be "web" or "native"' }).optional(),
  client_name: text(128).optional(),
  client_uri: optionalHttpsUri,
  logo_uri: optionalHttpsUri,
  policy_uri: optionalHttpsUri,
  tos_uri: optionalHttpsUri,
  scope: z.string({ error: 'must be a space-separated string' }).max(1024, 'must be at most 1024 characters').optional(),
  contacts: z
    .array(z.string().max(256, 'must be at most 256 characters').regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'), {
      error: 'must be an array of e-mail addresses',
    })
    .max(5, 'at most 5 contacts are allowed')
    .optional(),
  software_id: text(256).optional(),
  software_version: text(64).optional(),
});

type ParsedMetadata = z.infer<typeof clientMetadataSchema>;

export type ClientMetadata = Omit<ParsedMetadata, 'redirect_uris' | 'response_types' | 'grant_types' | 'token_endpoint_auth_method' | 'token_endpoint_auth_methods_supported'> & {
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: GrantType[];
  response_types: Array<'code'>;
};

/** The operator's registration rules that validation depends on. */
export interface MetadataPolicy extends RedirectUriPolicy {
  /** Confidential clients may register for the client_credentials grant (off by default). */
  allowClientCredentials?: boolean;
}

export const isConfidential = (method: TokenEndpointAuthMethod) => method !== 'none';

/** Validates registration metadata; throws a RegistrationError naming the field and the reason. */
export function parseClientMetadata(body: unknown, policy: MetadataPolicy = {}): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RegistrationError('invalid_client_metadata', 'The request body must be a JSON object');
  }
  const result = clientMetadataSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const code = issue.path[0] === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
    throw new RegistrationError(code, `${field}: ${issue.message}`);
  }
  const { token_endpoint_auth_methods_supported: offeredMethods, ...parsed } = result.data;
  const metadata: ClientMetadata = {
    ...parsed,
    token_endpoint_auth_method: chooseAuthMethod(offeredAuthMethods(parsed.token_endpoint_auth_method, offeredMethods), TOKEN_ENDPOINT_AUTH_METHODS),
    grant_types: servedGrantTypes(parsed.grant_types),
    redirect_uris: parsed.redirect_uris ?? [],
    response_types: [],
  };
  checkGrantTypes(metadata, policy);
  metadata.response_types = checkResponseTypes(metadata.grant_types, parsed.response_types);
  checkRedirectUris(metadata, policy);
  return metadata;
}

const fail = (description: string): never => {
  throw new RegistrationError('invalid_client_metadata', description);
};

/**
 * The authentication methods a client offers, read as a menu (OpenID "RP Metadata Choices"): the
 * singular field and the plural one together; neither means `none` (MCP clients are public).
 */
export function offeredAuthMethods(singular: string | undefined, plural: readonly string[] | undefined): string[] {
  const offered = [...(singular === undefined ? [] : [singular]), ...(plural ?? [])];
  return offered.length === 0 ? ['none'] : [...new Set(offered)];
}

/**
 * The method this server picks from a client's menu: `none` when offered (a public client needs
 * nothing it could lose), else the client's own first choice among those this server serves.
 */
export function chooseAuthMethod<M extends string>(offered: readonly string[], served: readonly M[]): M {
  const usable = offered.filter((method): method is M => (served as readonly string[]).includes(method));
  if (usable.includes('none' as M)) return 'none' as M;
  if (usable[0] !== undefined) return usable[0];
  return fail(`token_endpoint_auth_method: must be one of ${served.join(', ')} (offered: ${offered.join(', ')})`.slice(0, 300));
}

/**
 * The grant types this server serves, out of those the client lists: others (a device code grant,
 * say) are dropped, not refused, as RFC 7591 §3.2.1 lets a server replace requested values; what
 * remains must still make a usable client (checkGrantTypes).
 */
function servedGrantTypes(requested: readonly string[]): GrantType[] {
  return [...new Set(requested.filter((grant): grant is GrantType => (GRANT_TYPES as readonly string[]).includes(grant)))];
}

function checkGrantTypes(metadata: ClientMetadata, policy: MetadataPolicy): void {
  const grants = metadata.grant_types;
  if (grants.includes('client_credentials')) {
    if (!policy.allowClientCredentials) fail('grant_types: client_credentials is not enabled on this server');
    if (!isConfidential(metadata.token_endpoint_auth_method)) {
      fail('grant_types: client_credentials requires a confidential client (token_endpoint_auth_method client_secret_basic or client_secret_post)');
    }
    if (grants.length > 1) {
      fail('grant_types: client_credentials cannot be combined with other grant types; register a separate client');
    }
    return;
  }
  if (!grants.includes('authorization_code')) fail('grant_types: must include authorization_code');
}

/** response_types as a menu too: "code" must be there for the code grant; the rest is dropped. */
function checkResponseTypes(grants: GrantType[], requested: readonly string[] | undefined): Array<'code'> {
  const usesCode = grants.includes('authorization_code');
  if (requested === undefined) return usesCode ? ['code'] : [];
  const hasCode = requested.includes('code');
  if (usesCode && !hasCode) fail('response_types: must include "code" for the authorization_code grant');
  if (!usesCode && hasCode) fail('response_types: "code" requires the authorization_code grant');
  return usesCode ? ['code'] : [];
}

/**
 * A web application's redirect URI: https, not on a loopback host. A native application
 * (RFC 8252) may use loopback http, a private-use scheme or a claimed https URI, which the
 * general rules already allow, so `native` adds no rule of its own.
 */
function isWebRedirectUri(uri: string): boolean {
  const url = new URL(uri);
  return url.protocol === 'https:' && !isLoopbackHost(url.hostname);
}

function checkRedirectUris(metadata: ClientMetadata, policy: MetadataPolicy): void {
  const uris = metadata.redirect_uris;
  if (!metadata.grant_types.includes('authorization_code')) {
    if (uris.length > 0) fail('redirect_uris: not used by the client_credentials grant; leave it out');
    return;
  }
  if (uris.length === 0) {
    throw new RegistrationError('invalid_redirect_uri', 'redirect_uris: at least one redirect URI is required');
  }
  uris.forEach((uri, index) => {
    const check = checkRedirectUri(uri, policy);
    if (!check.ok) throw new RegistrationError('invalid_redirect_uri', `redirect_uris.${index} ${check.reason}`);
    if (metadata.application_type === 'web' && !isWebRedirectUri(uri)) {
      throw new RegistrationError(
        'invalid_redirect_uri',
        `redirect_uris.${index} is not a web redirect URI (application_type web: https on a host that is not loopback); register as application_type native`,
      );
    }
  });
  // Compared as browsers read them: `http://localhost:8080` and `http://localhost:8080/` are one URI.
  if (new Set(uris.map(redirectUriKey)).size !== uris.length) {
    throw new RegistrationError('invalid_redirect_uri', 'redirect_uris: lists the same URI twice');
  }
}
