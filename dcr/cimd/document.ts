import {
  type ClientMetadata,
  type MetadataPolicy,
  RegistrationError,
  chooseAuthMethod,
  offeredAuthMethods,
  parseClientMetadata,
} from '../client-metadata.js';
import { firstDuplicateKey } from '../strict-json.js';
import { type ClientKeys, parseClientKeys } from './client-keys.js';

/**
 * A Client ID Metadata Document, validated and negotiated: a JSON object (no repeated keys),
 * whose client_id is exactly the URL it was fetched from, with a client_name (shown on the consent
 * page, marked as self-declared) and redirect URIs that pass the same rules as DCR's.
 *
 * Read as a menu, like DCR's metadata (dcr/client-metadata.ts): grant and response types this
 * server does not serve are dropped as long as the authorization code grant is there; the
 * authentication method is picked from the singular and the plural field: `none` when offered,
 * else `private_key_jwt` (RFC 7523 assertions signed with the keys of `jwks_uri` or `jwks`). A
 * document cannot carry a secret, so client_secret_* are never usable. Only a document that
 * cannot work here is refused, and the reason says why.
 */
export class CimdDocumentError extends Error {
  override readonly name = 'CimdDocumentError';
}

/** How a CIMD client authenticates at /token and /revoke. */
export interface CimdAuthentication {
  /** What codes are bound to: `none` when the document offers it, else `private_key_jwt`. */
  method: 'none' | 'private_key_jwt';
  /** The document's keys when it offers private_key_jwt (then an assertion, if sent, must verify). */
  keys?: ClientKeys | undefined;
}

export interface CimdDocument {
  metadata: ClientMetadata;
  authentication: CimdAuthentication;
}

/** The methods a metadata document can use here: it has no secret. */
const CIMD_AUTH_METHODS = ['none', 'private_key_jwt'] as const;
const CIMD_GRANT_TYPES: readonly unknown[] = ['authorization_code', 'refresh_token'];

const invalid = (message: string): never => {
  throw new CimdDocumentError(message);
};

function negotiateAuthentication(fields: Record<string, unknown>, keysUrlCheck: (url: string) => string | undefined): CimdAuthentication {
  const singular = fields.token_endpoint_auth_method;
  const plural = fields.token_endpoint_auth_methods_supported;
  if (singular !== undefined && typeof singular !== 'string') invalid('token_endpoint_auth_method must be a string');
  if (plural !== undefined && (!Array.isArray(plural) || plural.length > 16 || plural.some((method) => typeof method !== 'string'))) {
    invalid('token_endpoint_auth_methods_supported must be an array of strings');
  }
  const offered = offeredAuthMethods(singular as string | undefined, plural as string[] | undefined);
  let method: CimdAuthentication['method'];
  try {
    method = chooseAuthMethod(offered, CIMD_AUTH_METHODS);
  } catch {
    return invalid(`the client offers only ${offered.join(', ')}; a metadata document has no secret, so this server accepts none or private_key_jwt`.slice(0, 300));
  }
  if (!offered.includes('private_key_jwt')) return { method };
  const keys = parseClientKeys(fields.jwks_uri, fields.jwks, keysUrlCheck);
  if (typeof keys === 'string') {
    // A client that could also be public still works as one; one that must sign cannot.
    if (method === 'none') return { method };
    return invalid(keys);
  }
  return { method, keys };
}

/**
 * @param keysUrlCheck the rules a jwks_uri must meet (those of client_id URLs): the reason it
 *   fails, or undefined.
 */
export function parseCimdDocument(body: Buffer, url: string, policy: MetadataPolicy, keysUrlCheck: (url: string) => string | undefined): CimdDocument {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return invalid('the document is not UTF-8');
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return invalid('the document is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return invalid('the document is not a JSON object');
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) invalid(`the document repeats the key ${duplicate}`);
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== url) invalid('client_id in the document must be exactly the URL it is served at');
  if (typeof fields.client_name !== 'string' || fields.client_name.trim() === '') invalid('the document has no client_name');
  if ('client_secret' in fields || 'client_secret_expires_at' in fields) invalid('a metadata document must not carry a client secret');
  if (!Array.isArray(fields.redirect_uris) || fields.redirect_uris.length === 0) invalid('the document has no redirect_uris');
  const authentication = negotiateAuthentication(fields, keysUrlCheck);
  const {
    client_id: _id,
    jwks: _jwks,
    jwks_uri: _jwksUri,
    token_endpoint_auth_method: _method,
    token_endpoint_auth_methods_supported: _methods,
    ...metadata
  } = fields;
  // A metadata document's client signs users in: of its grants only these two are served to it.
  if (Array.isArray(metadata.grant_types)) {
    const served = metadata.grant_types.filter((grant: unknown) => CIMD_GRANT_TYPES.includes(grant));
    if (!served.includes('authorization_code')) invalid('grant_types must include authorization_code, the only way this server signs users in');
    metadata.grant_types = served;
  }
  let parsed: ClientMetadata;
  try {
    // The method is negotiated above; the Cognito app client is public either way (no secret).
    parsed = parseClientMetadata({ ...metadata, token_endpoint_auth_method: 'none' }, { ...policy, allowClientCredentials: false });
  } catch (error) {
    if (error instanceof RegistrationError) return invalid(error.description);
    throw error;
  }
  return { metadata: parsed, authentication };
}
