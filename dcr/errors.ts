/** Refusals of the registration endpoints other than bad metadata (RegistrationError, 400). */

/** 429: too many registrations from one source; Retry-After says when to try again. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many client registrations from this address; try again later');
  }
}

/**
 * 429: an identical registration from the same source is still creating its client (it holds the
 * claim, registration-claim.ts) and did not finish while this one waited.
 */
export class RegistrationInProgressError extends Error {
  override readonly name = 'RegistrationInProgressError';
  readonly retryAfterSeconds = 2;
  constructor() {
    super('An identical registration from this address is still in progress; try again shortly');
  }
}

/** 503: the operator's cap on dynamically registered clients is reached. */
export class ClientCapacityError extends Error {
  override readonly name = 'ClientCapacityError';
  constructor(readonly maxClients: number) {
    super(
      `This server has reached its limit of ${maxClients} dynamically registered clients; unused clients are removed over time, or ask the operator`,
    );
  }
}

/**
 * 401: a missing or wrong initial access token (RFC 7591 §3) or registration access token, or a
 * client the configuration endpoint does not know (RFC 7592 §2). Answered as RFC 6750 §3 asks.
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    message: string,
    /** false when the request carried no token at all: the challenge then names no error (RFC 6750 §3.1). */
    readonly tokenPresented = true,
  ) {
    super(message);
  }
}
