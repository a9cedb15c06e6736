import {
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';

/**
 * Why a request was denied: the value logged and counted (metric dimension `reason`). Callers only
 * ever see a generic 401; the reason is for the owner, in the logs and metrics.
 */
export type DenyReason =
  /** No Authorization header at all. */
  | 'missing_token'
  /** A header that is not `Bearer <token>`, or a token that is not a well-formed JWT or API key. */
  | 'malformed'
  | 'expired'
  /** `nbf` or `iat` in the future (beyond the clock-skew allowance). */
  | 'not_yet_valid'
  /** Signature does not verify, or an algorithm other than RS256. */
  | 'bad_signature'
  /** The token names a key (`kid`) the pool's JWKS does not have. */
  | 'unknown_key'
  | 'wrong_issuer'
  /** An ID token (or anything but an access token). */
  | 'wrong_token_use'
  /** `aud` present but not naming this MCP server. */
  | 'wrong_audience'
  /** Signed, but claims the functions rely on are missing or malformed. */
  | 'invalid_claims'
  /** The token, its refresh token family, its user or its client is revoked; or the API key is. */
  | 'revoked'
  /** The token's client is not in the registry, or was deleted. */
  | 'unknown_client'
  /** The API key is not known. */
  | 'unknown_api_key'
  /** DynamoDB or the JWKS endpoint failed, timed out or throttled: denied, never guessed. */
  | 'dependency_failure'
  /** Anything unexpected (a bug): denied. */
  | 'internal_error';

/** A denial with its reason and a short, token-free detail for the log. */
export class Denial extends Error {
  override readonly name = 'Denial';
  constructor(
    readonly reason: DenyReason,
    detail: string,
  ) {
    super(detail);
  }
}

// aws-jwt-verify's error classes, most specific first (instanceof: minifying renames classes).
const VERIFIER_ERRORS: Array<[abstract new (...args: never[]) => Error, DenyReason]> = [
  [JwtExpiredError, 'expired'],
  [JwtNotBeforeError, 'not_yet_valid'],
  [JwtInvalidIssuerError, 'wrong_issuer'],
  [CognitoJwtInvalidTokenUseError, 'wrong_token_use'],
  [JwtInvalidAudienceError, 'wrong_audience'],
  [JwtInvalidSignatureAlgorithmError, 'bad_signature'],
  [JwtInvalidClaimError, 'invalid_claims'],
  [JwtInvalidSignatureError, 'bad_signature'],
  [JwkInvalidUseError, 'bad_signature'],
  [JwkInvalidKtyError, 'bad_signature'],
  [KidNotFoundInJwksError, 'unknown_key'],
  // A kid the JWKS lacks, within the wait period after the last refetch for an unknown kid.
  [WaitPeriodNotYetEndedJwkError, 'unknown_key'],
  [JwtParseError, 'malformed'],
  [JwtWithoutValidKidError, 'malformed'],
  [ParameterValidationError, 'malformed'],
  [FetchError, 'dependency_failure'],
  [JwksValidationError, 'dependency_failure'],
  [JwkValidationError, 'dependency_failure'],
  [JwksNotAvailableInCacheError, 'dependency_failure'],
];

/** Maps whatever verification threw to a reason. Anything unrecognised is still a denial. */
export function failureReason(error: unknown): DenyReason {
  if (error instanceof Denial) return error.reason;
  // aws-jwt-verify looks the token's issuer up among the configured ones before any claim check.
  if (error instanceof ParameterValidationError && /^issuer /.test(error.message)) return 'wrong_issuer';
  for (const [type, reason] of VERIFIER_ERRORS) if (error instanceof type) return reason;
  return 'internal_error';
}

/** The failed check, for the log: never the token, even if an error were to quote it. */
export function describeFailure(error: unknown, token: string): string {
  const text = error instanceof Error ? error.message : 'unknown error';
  return (token ? text.replaceAll(token, '[token]') : text).slice(0, 300);
}
