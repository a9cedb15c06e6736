import { isCognitoClientId } from '../../dcr/client-id.js';
import type { TokenEndpointAuthMethod } from '../../dcr/client-metadata.js';
import { OAuthError } from '../errors.js';
import { MAX_CLIENT_ID_URL_LENGTH } from '../../dcr/cimd/client-id-url.js';

/**
 * Who is asking at /token (RFC 6749 §2.3.1): HTTP Basic (client_secret_basic), client_id and
 * client_secret in the body (client_secret_post), or client_id alone (a public client, `none`).
 * One method per request. The secret itself is checked by Cognito, to which it is forwarded.
 */
export interface TokenClient {
  clientId: string;
  secret?: string | undefined;
  method: TokenEndpointAuthMethod;
}

export const BASIC_CHALLENGE = 'Basic realm="token", charset="UTF-8"';
const invalidClient = (description: string) => new OAuthError('invalid_client', description, 401);

/** A Cognito app client id, or a CIMD client id (an https URL, bounded like at /authorize). */
const isUrlClientId = (value: string) => value.length <= MAX_CLIENT_ID_URL_LENGTH && /^https?:\/\/\S+$/.test(value);
const isClientId = (value: string): boolean => isCognitoClientId(value) || isUrlClientId(value);

function decodePart(value: string): string {
  try {
    // RFC 6749 §2.3.1 form-encodes id and secret before Basic; Cognito's own are [\w+]+ and read the same.
    return decodeURIComponent(value);
  } catch {
    throw invalidClient('Malformed Basic client credentials');
  }
}

function basic(encoded: string): { clientId: string; secret: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidClient('Malformed Basic client credentials');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) throw invalidClient('Malformed Basic client credentials');
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidClient('Malformed Basic client credentials');
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient('Malformed Basic client credentials');
  return { clientId: decodePart(decoded.slice(0, colon)), secret: decodePart(decoded.slice(colon + 1)) };
}

export function authenticateClient(authorization: string | undefined, form: Record<string, string>): TokenClient {
  const header = /^(\S+)(?: +(.*))?$/.exec(authorization?.trim() ?? '');
  if (header && header[1]!.toLowerCase() === 'basic') {
    const credentials = basic(header[2]?.trim() ?? '');
    if (form.client_secret !== undefined) throw new OAuthError('invalid_request', 'Use one client authentication method, not Basic and client_secret together');
    if (form.client_id !== undefined && form.client_id !== credentials.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the Basic credentials');
    }
    if (!isClientId(credentials.clientId) || credentials.secret.length === 0) throw invalidClient('Unknown client or bad credentials');
    return { clientId: credentials.clientId, secret: credentials.secret, method: 'client_secret_basic' };
  }
  const clientId = form.client_id;
  if (!clientId) throw invalidClient('Client authentication is required (client_id)');
  if (!isClientId(clientId)) throw invalidClient('Unknown client');
  if (form.client_secret !== undefined) {
    if (form.client_secret.length === 0) throw invalidClient('Empty client_secret');
    return { clientId, secret: form.client_secret, method: 'client_secret_post' };
  }
  return { clientId, method: 'none' };
}
