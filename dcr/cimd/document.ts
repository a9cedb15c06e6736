import { type ClientMetadata, type MetadataPolicy, RegistrationError, parseClientMetadata } from '../client-metadata.js';
import { firstDuplicateKey } from '../strict-json.js';

/**
 * A Client ID Metadata Document, validated: a JSON object (no repeated keys), whose client_id is
 * exactly the URL it was fetched from, with a client_name (shown on the consent page, marked as
 * self-declared) and redirect URIs that pass the same rules as DCR's. Only public clients: a
 * document cannot carry a secret, and this server does not verify private_key_jwt, so any other
 * token_endpoint_auth_method is refused with that reason. The rest goes through the DCR parser.
 */
export class CimdDocumentError extends Error {
  override readonly name = 'CimdDocumentError';
}

const invalid = (message: string): never => {
  throw new CimdDocumentError(message);
};

export function parseCimdDocument(body: Buffer, url: string, policy: MetadataPolicy): ClientMetadata {
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
  const method = fields.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') invalid('this server accepts only public CIMD clients (token_endpoint_auth_method none)');
  const grants = (fields.grant_types as unknown[] | undefined) ?? ['authorization_code', 'refresh_token'];
  if (!Array.isArray(grants) || grants.some((grant) => grant !== 'authorization_code' && grant !== 'refresh_token')) {
    invalid('grant_types may only hold authorization_code and refresh_token');
  }
  if (!Array.isArray(fields.redirect_uris) || fields.redirect_uris.length === 0) invalid('the document has no redirect_uris');
  const { client_id: _id, jwks: _jwks, jwks_uri: _jwksUri, ...metadata } = fields;
  try {
    return parseClientMetadata({ ...metadata, token_endpoint_auth_method: 'none' }, { ...policy, allowClientCredentials: false });
  } catch (error) {
    if (error instanceof RegistrationError) return invalid(error.description);
    throw error;
  }
}
