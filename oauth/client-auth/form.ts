import { mediaType } from '../../lib/http/request-body.js';

/**
 * The body of a request to /token or /revoke: application/x-www-form-urlencoded only (RFC 6749
 * §4.1.3, RFC 7009 §2.1), bounded, strict UTF-8, and no parameter twice (RFC 6749 §3.2: a repeated
 * `token` or `client_id` would mean whichever one a parser picks).
 *
 * One bound for both endpoints, 32 KB: the largest honest request is a revocation carrying one of
 * our tokens (a few KB; at most 16 KB, see revoke/token-shape.ts) and a client assertion (at most 16 KB).
 * Each endpoint answers the error in its own form (a 413 at /revoke, RFC 6749's 400 at /token).
 */
export const MAX_FORM_BYTES = 32_768;

/** Parameters an error may name; any other name is the client's text and is not repeated back. */
const NAMED = new Set([
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'resource', 'token', 'token_type_hint',
  'client_id', 'client_secret', 'client_assertion_type', 'client_assertion',
]);

export class FormError extends Error {
  override readonly name = 'FormError';
  constructor(
    description: string,
    readonly tooLarge = false,
  ) {
    super(description);
  }
}

/** The form; `maxBytes` for a form smaller than these two endpoints' (the consent page's, oauth/consent.ts). */
export function readOAuthForm(body: Buffer, contentType: string | undefined, maxBytes = MAX_FORM_BYTES): Record<string, string> {
  if (mediaType(contentType) !== 'application/x-www-form-urlencoded') throw new FormError('Content-Type must be application/x-www-form-urlencoded');
  if (body.length > maxBytes) throw new FormError(`The request body is larger than ${maxBytes} bytes`, true);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new FormError('The request body is not UTF-8');
  }
  // No prototype: a parameter named __proto__ is just a name.
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(form, name)) throw new FormError(NAMED.has(name) ? `${name}: must not be repeated` : 'A parameter is repeated in the request');
    form[name] = value;
  }
  return form;
}
