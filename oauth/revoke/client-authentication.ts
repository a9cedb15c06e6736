import { MAX_CLIENT_ID_URL_LENGTH } from '../../dcr/cimd/client-id-url.js';
import { isCognitoClientId } from '../../dcr/client-id.js';
import { BASIC_CHALLENGE, RevocationRequestError } from './errors.js';

/**
 * Who is asking (RFC 6749 §2.3.1): HTTP Basic (client_secret_basic) or client_id[/client_secret]
 * in the form (client_secret_post, or a public client). Exactly one method per request. Every
 * way the credentials can be malformed is a 4xx here, and a client id that cannot be a Cognito
 * client id never goes further (it would otherwise reach DynamoDB as a key).
 */
export interface ClientCredentials {
  clientId: string;
  secret?: string | undefined;
  /** How the client authenticated: a failure after Basic answers with a Basic challenge. */
  method: 'basic' | 'form';
}

export interface RevocationForm {
  token: string | undefined;
  tokenTypeHint: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/**
 * A CIMD client is public and names itself by its metadata document URL, in the form only (as at
 * /token, bounded like at /authorize); the registry's alias row decides whether it is known.
 */
const isCimdClientId = (value: string) => value.length <= MAX_CLIENT_ID_URL_LENGTH && /^https?:\/\/\S+$/.test(value);

const basicFailure = (description: string) => new RevocationRequestError(401, 'invalid_client', description, BASIC_CHALLENGE);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RFC 6749 §2.3.1 has the client form-encode its id and secret before Basic; Cognito's own
 * documentation has clients send them raw. Cognito ids and secrets are [\w+]+, so percent-decoding
 * (without turning "+" into a space) reads both the same.
 */
function percentDecoded(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw basicFailure(`Malformed Basic client credentials: the ${what} is not valid percent-encoding`);
  }
}

function basicCredentials(encoded: string): ClientCredentials {
  // Only canonical base64 (padding optional): lenient decoders read different bytes from the rest.
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw basicFailure('Malformed Basic client credentials: not base64');
  }
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    throw basicFailure('Malformed Basic client credentials: not UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw basicFailure('Malformed Basic client credentials: expected client_id:client_secret');
  const clientId = percentDecoded(decoded.slice(0, colon), 'client id');
  const secret = percentDecoded(decoded.slice(colon + 1), 'client secret');
  if (!isCognitoClientId(clientId)) throw basicFailure('Unknown client');
  return { clientId, secret, method: 'basic' };
}

export function clientCredentials(authorization: string | undefined, form: RevocationForm): ClientCredentials {
  const scheme = /^(\S+)(?: +(.*))?$/.exec(authorization?.trim() ?? '');
  if (scheme && scheme[1]!.toLowerCase() === 'basic') {
    const encoded = scheme[2]?.trim() ?? '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw basicFailure('Malformed Basic client credentials');
    const credentials = basicCredentials(encoded);
    if (form.clientSecret !== undefined) {
      throw new RevocationRequestError(400, 'invalid_request', 'Use one client authentication method: Basic or client_secret in the body, not both');
    }
    if (form.clientId !== undefined && form.clientId !== credentials.clientId) {
      throw new RevocationRequestError(400, 'invalid_request', 'client_id in the body differs from the Basic credentials');
    }
    return credentials;
  }
  // Another scheme (a bearer token, say) does not authenticate a client here; the form decides.
  if (!form.clientId) throw new RevocationRequestError(401, 'invalid_client', 'Client authentication is required (client_id)');
  if (!isCognitoClientId(form.clientId) && !isCimdClientId(form.clientId)) {
    throw new RevocationRequestError(401, 'invalid_client', 'Unknown client');
  }
  return { clientId: form.clientId, secret: form.clientSecret, method: 'form' };
}
