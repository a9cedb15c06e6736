import { OAuthError } from '../errors.js';

export const MAX_TOKEN_BODY_BYTES = 16_384;

/**
 * The token request body: application/x-www-form-urlencoded only (RFC 6749 §4.1.3), bounded,
 * UTF-8, and no parameter twice (§3.2: parameters must not be included more than once).
 */
export function parseTokenForm(body: Buffer, contentType: string | undefined): Record<string, string> {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded');
  }
  if (body.length > MAX_TOKEN_BODY_BYTES) throw new OAuthError('invalid_request', `The token request is larger than ${MAX_TOKEN_BODY_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new OAuthError('invalid_request', 'The token request is not UTF-8');
  }
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (name in form) throw new OAuthError('invalid_request', 'A parameter is repeated in the token request');
    form[name] = value;
  }
  return form;
}
