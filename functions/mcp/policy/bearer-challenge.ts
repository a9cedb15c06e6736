/**
 * RFC 6750 §3: the characters allowed in the values of `error` and `error_description` (and in
 * any URL this server puts in a challenge): printable ASCII and space, but neither `"` nor `\`,
 * so that a value is a valid RFC 7235 quoted-string as it stands, with nothing to escape.
 */
export const CHALLENGE_VALUE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** RFC 6750 §3: `scope` is scope-tokens of %x21 / %x23-5B / %x5D-7E, separated by one space. */
export const CHALLENGE_SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export interface BearerChallengeParams {
  error: string;
  scope?: string;
  /** RFC 9728 §5.1: where the protected resource metadata is. */
  resource_metadata?: string;
  error_description?: string;
}

/**
 * A `WWW-Authenticate: Bearer` value. Every value is checked against RFC 6750's character sets
 * rather than escaped: a client that cannot parse the challenge cannot act on it, and the values
 * come from this server (configuration, tool names), so a violation is a bug to fail on, loudly.
 */
export function bearerChallenge(params: BearerChallengeParams): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params) as Array<[keyof BearerChallengeParams, string | undefined]>) {
    if (value === undefined) continue;
    const allowed = name === 'scope' ? CHALLENGE_SCOPE : CHALLENGE_VALUE;
    if (!allowed.test(value)) throw new Error(`The ${name} of a Bearer challenge has characters RFC 6750 does not allow: ${value}`);
    parts.push(`${name}="${value}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}
