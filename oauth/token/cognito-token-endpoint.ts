import { type Send, type SendAnswer, httpSend } from '../../lib/aws/http-send.js';
import { OAuthError } from '../errors.js';

/**
 * Cognito's public /oauth2/token, called with the app client id and, for a confidential client,
 * its secret as Basic (Cognito checks it; the facade never reads secrets). client_id always goes
 * in the body too (cognito-local reads only the body). A timeout or 5xx is 503 to the client; a
 * Cognito 4xx keeps its OAuth error code, with our own description (Cognito's is only logged).
 */
export interface CognitoTokenEndpoint {
  exchange(form: Record<string, string>, credentials: { appClientId: string; secret?: string | undefined }): Promise<CognitoTokens>;
}

export interface CognitoTokens {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
}

export class CognitoTokenError extends OAuthError {
  constructor(
    code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'invalid_scope' | 'temporarily_unavailable',
    description: string,
    readonly cognitoError: string,
  ) {
    super(code, description);
  }
}

const KNOWN = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'invalid_scope'] as const;
const DESCRIPTIONS: Record<(typeof KNOWN)[number], string> = {
  invalid_request: 'The identity provider refused the token request',
  invalid_client: 'Client authentication failed',
  invalid_grant: 'The grant is invalid, expired, revoked or was issued to another client',
  unauthorized_client: 'This client may not use this grant',
  invalid_scope: 'The requested scope is not allowed',
};

export function cognitoTokenEndpoint(
  baseUrl: string,
  timeoutMs: number,
  send: Send = httpSend,
): CognitoTokenEndpoint {
  return {
    async exchange(form, credentials) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
      if (credentials.secret !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(`${credentials.appClientId}:${credentials.secret}`).toString('base64')}`;
      }
      let response: SendAnswer;
      try {
        response = await send(`${baseUrl}/oauth2/token`, {
          method: 'POST',
          headers,
          body: new URLSearchParams({ ...form, client_id: credentials.appClientId }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw new CognitoTokenError('temporarily_unavailable', 'The identity provider did not answer; try again', 'network');
      }
      const body = await response.text().then(parseJson, () => undefined);
      if (response.ok && typeof body?.access_token === 'string') return body as unknown as CognitoTokens;
      const error = typeof body?.error === 'string' ? body.error : '';
      if (response.status >= 400 && response.status < 500 && (KNOWN as readonly string[]).includes(error)) {
        const code = error as (typeof KNOWN)[number];
        throw new CognitoTokenError(code, DESCRIPTIONS[code], code);
      }
      throw new CognitoTokenError('temporarily_unavailable', 'The identity provider failed; try again', `http ${response.status} ${error}`.slice(0, 80));
    },
  };
}

/** A JSON object, or undefined for anything else (an HTML error page from a proxy, say). */
function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
