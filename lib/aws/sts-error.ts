/**
 * A failed STS call. `name` is STS's error code (AccessDenied, RegionDisabledException,
 * PackedPolicyTooLarge, MalformedPolicyDocument, ExpiredToken, Throttling, ...), or TimeoutError /
 * AbortError when the caller's signal ended the call, NetworkError when no answer came,
 * InvalidResponse when the answer could not be read, ConfigurationError when the environment
 * does not say where or as whom to call. Messages never contain credentials.
 */
export class StsError extends Error {
  constructor(
    name: string,
    message: string,
    readonly statusCode?: number,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = name;
  }
}
