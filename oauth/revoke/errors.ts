/**
 * A refusal of a revocation request, in the form of RFC 7009 §2.2.1 / RFC 6749 §5.2. A client
 * that tried the Authorization header and failed gets a challenge for that scheme (RFC 6749 §5.2:
 * 401 with a matching WWW-Authenticate).
 */
export type RevocationErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_token_type';

export class RevocationRequestError extends Error {
  override readonly name = 'RevocationRequestError';
  constructor(
    readonly status: 400 | 401 | 413,
    readonly code: RevocationErrorCode,
    description: string,
    readonly challenge?: string,
  ) {
    super(description);
  }
}

export const BASIC_CHALLENGE = 'Basic realm="token revocation", charset="UTF-8"';
