import { randomBytes } from 'node:crypto';
import { CheckFailed, fail } from './checklist.js';
import type { Registration } from './context.js';
import { describeRefusal, isHttpsOrLoopback, jsonObject, request } from './http.js';

/** What the checklist registers: a native public client with a loopback redirect (any port, RFC 8252). */
export const VERIFY_CLIENT_METADATA = {
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
};

/** Why a registration can be refused by this product's DCR, as the operator would fix it. */
const REFUSAL_HINTS: Record<number, string> = {
  401: ' (the stage requires an initial access token: give --initial-access-token)',
  429: ' (dcrRateLimit: registrations per source address per hour; wait, or use --no-register)',
};

/**
 * RFC 7591: registers a client and returns what RFC 7592 management needs. Each registration has
 * a name of its own: the server hands an identical registration from the same address back
 * without a registration access token (idempotency), and this one must be deletable.
 */
export async function registerClient(
  endpoint: string,
  redirectUris: string[],
  { initialAccessToken, undeleted }: { initialAccessToken?: string; undeleted: Set<Registration> },
): Promise<Registration> {
  const response = await request(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(initialAccessToken ? { Authorization: `Bearer ${initialAccessToken}` } : {}),
    },
    body: JSON.stringify({ ...VERIFY_CLIENT_METADATA, client_name: `npm run verify ${randomBytes(3).toString('hex')}`, redirect_uris: redirectUris }),
  });
  if (response.status !== 201) fail(`registration answered ${await describeRefusal(response)}, not 201${REFUSAL_HINTS[response.status] ?? ''}`);
  const body = await jsonObject(response, 'the registration response');
  if (typeof body.client_id !== 'string' || !body.client_id) fail('the registration response has no client_id');
  const registrationAccessToken = body.registration_access_token;
  const registrationClientUri = body.registration_client_uri;
  if (typeof registrationAccessToken !== 'string' || !isHttpsOrLoopback(registrationClientUri)) {
    fail(`client ${body.client_id} registered without registration_access_token and registration_client_uri (RFC 7592): it cannot be deleted again`);
  }
  const registration = {
    clientId: body.client_id as string,
    registrationAccessToken: registrationAccessToken as string,
    registrationClientUri: registrationClientUri as string,
  };
  undeleted.add(registration);
  return registration;
}

const manage = (registration: Registration, method: 'GET' | 'DELETE') =>
  request(registration.registrationClientUri, { method, headers: { Authorization: `Bearer ${registration.registrationAccessToken}`, Accept: 'application/json' } });

/** RFC 7592 read: the registration as the server holds it. */
export async function readRegistration(registration: Registration): Promise<void> {
  const response = await manage(registration, 'GET');
  if (response.status !== 200) fail(`reading the registration (RFC 7592 GET) answered ${await describeRefusal(response)}`);
  const body = await jsonObject(response, 'the registration read back');
  if (body.client_id !== registration.clientId) fail(`the registration read back names client ${JSON.stringify(body.client_id)}`);
}

/** RFC 7592 delete, then proof that the registration is gone (its token no longer reads it). */
export async function deleteRegistration(registration: Registration, undeleted: Set<Registration>): Promise<void> {
  const leftBehind = `client ${registration.clientId} is left registered (delete it: npm run admin -- revoke client ${registration.clientId} --delete-app-client --stage <stage> --user-pool-id <id>)`;
  const deleted = await manage(registration, 'DELETE').catch((error: CheckFailed) => fail(`${error.message}; ${leftBehind}`));
  if (deleted.status !== 204) fail(`RFC 7592 DELETE answered ${await describeRefusal(deleted)}, not 204; ${leftBehind}`);
  undeleted.delete(registration);
  const after = await manage(registration, 'GET');
  await after.body?.cancel();
  if (after.status !== 401 && after.status !== 404) fail(`after DELETE the registration still answers HTTP ${after.status}`);
}
