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
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

// Printable text only: no control characters (log injection, header smuggling via client_name).
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');

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
  token_endpoint_auth_method: z
    .enum(TOKEN_ENDPOINT_AUTH_METHODS, { error: `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}` })
    .default('none'),
  grant_types: z
    .array(z.enum(GRANT_TYPES, { error: `only ${GRANT_TYPES.join(', ')} are supported` }), { error: 'must be an array' })
    .min(1, 'must not be empty')
    .max(GRANT_TYPES.length, 'lists too many grant types')
    .default(['authorization_code', 'refresh_token']),
  response_types: z
    .array(z.literal('code', { error: 'only "code" is supported' }), { error: 'must be an array' })
    .max(1, 'lists too many response types')
    .optional(),
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

export type ClientMetadata = Omit<ParsedMetadata, 'redirect_uris' | 'response_types' | 'grant_types'> & {
  redirect_uris: string[];
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
  const parsed = result.data;
  const metadata: ClientMetadata = {
    ...parsed,
    grant_types: [...new Set(parsed.grant_types)],
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

function checkResponseTypes(grants: GrantType[], requested: Array<'code'> | undefined): Array<'code'> {
  const usesCode = grants.includes('authorization_code');
  if (requested === undefined) return usesCode ? ['code'] : [];
  if (usesCode && !requested.includes('code')) fail('response_types: must include "code" for the authorization_code grant');
  if (!usesCode && requested.length > 0) fail('response_types: "code" requires the authorization_code grant');
  return requested;
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
