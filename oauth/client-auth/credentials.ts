import { MAX_CLIENT_ID_URL_LENGTH } from '../../dcr/cimd/client-id-url.js';
import { isCognitoClientId } from '../../dcr/client-id.js';

/**
 * Who a request to /token or /revoke says it comes from, and how it proves it (RFC 6749 §2.3.1,
 * RFC 7523 §2.2): HTTP Basic (client_secret_basic), client_id and client_secret in the body
 * (client_secret_post), a signed JWT (private_key_jwt: client_assertion_type jwt-bearer and
 * client_assertion), or client_id alone (a public client, `none`). Exactly one method per request.
 * Only the shape is checked here; whether the credentials are right is decided later (the client
 * registry, the client's keys, Cognito for secrets). A client id that can be neither a Cognito id
 * nor a CIMD URL never goes further (it would otherwise reach DynamoDB as a key).
 */
export type PresentedCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'private_key_jwt'; clientId: string; assertion: string }
  | { method: 'none'; clientId: string };

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Real assertions are about 1 KB (an RS256 JWT with a few claims); 16 KB is far above any honest one. */
export const MAX_ASSERTION_BYTES = 16_384;

/**
 * A failed client authentication (RFC 6749 §5.2), for /token and /revoke to answer each in its
 * own form; `basic` when the client tried HTTP Basic (the 401 then challenges that scheme).
 */
export class ClientAuthenticationError extends Error {
  override readonly name = 'ClientAuthenticationError';
  constructor(
    readonly code: 'invalid_client' | 'invalid_request',
    description: string,
    readonly basic = false,
  ) {
    super(description);
  }
}

const isUrlClientId = (value: string) => value.length <= MAX_CLIENT_ID_URL_LENGTH && /^https?:\/\/\S+$/.test(value);
export const isClientId = (value: string): boolean => isCognitoClientId(value) || isUrlClientId(value);

const basicFailure = (description: string) => new ClientAuthenticationError('invalid_client', description, true);
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

function basicCredentials(encoded: string): { clientId: string; secret: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw basicFailure('Malformed Basic client credentials');
  // Only canonical base64 (padding optional): lenient decoders read different bytes from the rest.
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) throw basicFailure('Malformed Basic client credentials: not base64');
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
  // Only registered clients have secrets, and they are named by their Cognito id.
  if (!isCognitoClientId(clientId)) throw basicFailure('Unknown client');
  if (secret.length === 0) throw basicFailure('Empty client secret');
  return { clientId, secret };
}

/** The subject of an assertion, read without verifying it: only to know whose keys verify it. */
function unverifiedSubject(assertion: string): string | undefined {
  const payload = assertion.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && typeof (claims as { sub?: unknown }).sub === 'string' ? (claims as { sub: string }).sub : undefined;
  } catch {
    return undefined;
  }
}

function assertionCredentials(form: Record<string, string | undefined>): PresentedCredentials {
  if (form.client_assertion_type !== JWT_BEARER_ASSERTION) throw new ClientAuthenticationError('invalid_client', `client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
  const assertion = form.client_assertion;
  if (!assertion) throw new ClientAuthenticationError('invalid_client', 'The request has no client_assertion');
  if (form.client_secret !== undefined) throw new ClientAuthenticationError('invalid_request', 'Use one client authentication method, not client_assertion and client_secret together');
  if (Buffer.byteLength(assertion) > MAX_ASSERTION_BYTES) throw new ClientAuthenticationError('invalid_client', `client_assertion is larger than ${MAX_ASSERTION_BYTES} bytes`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(assertion)) throw new ClientAuthenticationError('invalid_client', 'client_assertion is not a signed JWT');
  // RFC 7523 §3: sub is the client id; client_id, when sent too, must name the same client.
  const clientId = form.client_id ?? unverifiedSubject(assertion);
  if (!clientId || !isClientId(clientId)) throw new ClientAuthenticationError('invalid_client', 'Unknown client');
  return { method: 'private_key_jwt', clientId, assertion };
}

export function presentedCredentials(authorization: string | undefined, form: Record<string, string | undefined>): PresentedCredentials {
  const scheme = /^(\S+)(?: +(.*))?$/.exec(authorization?.trim() ?? '');
  if (scheme && scheme[1]!.toLowerCase() === 'basic') {
    const { clientId, secret } = basicCredentials(scheme[2]?.trim() ?? '');
    if (form.client_secret !== undefined || form.client_assertion !== undefined || form.client_assertion_type !== undefined) {
      throw new ClientAuthenticationError('invalid_request', 'Use one client authentication method: Basic, client_secret or client_assertion, not several');
    }
    if (form.client_id !== undefined && form.client_id !== clientId) throw new ClientAuthenticationError('invalid_request', 'client_id in the body differs from the Basic credentials');
    return { method: 'client_secret_basic', clientId, secret };
  }
  // Another scheme (a bearer token, say) does not authenticate a client here; the form decides.
  if (form.client_assertion !== undefined || form.client_assertion_type !== undefined) return assertionCredentials(form);
  const clientId = form.client_id;
  if (!clientId) throw new ClientAuthenticationError('invalid_client', 'Client authentication is required (client_id)');
  if (!isClientId(clientId)) throw new ClientAuthenticationError('invalid_client', 'Unknown client');
  if (form.client_secret !== undefined) {
    if (form.client_secret.length === 0) throw new ClientAuthenticationError('invalid_client', 'Empty client_secret');
    return { method: 'client_secret_post', clientId, secret: form.client_secret };
  }
  return { method: 'none', clientId };
}
