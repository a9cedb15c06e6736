import { COGNITO_MAX_ACCESS_TOKEN_SECONDS, REVOCATION_MARGIN_SECONDS } from '../lib/user-revocation.js';

/** Parses `90s`, `45m`, `12h`, `30d` (or plain seconds) into seconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new Error(`${flag} must be a duration like 90s, 45m, 12h or 30d, got "${value}"`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new Error(`${flag} must be positive`);
  return seconds;
}

/**
 * How long a revocation row must live: as long as the longest-lived token it can affect.
 * A single access token: its own `exp`, or Cognito's 1-day ceiling for a bare jti. Anything a
 * refresh token can renew (a user, a client, a refresh token family): see
 * lib/user-revocation.ts sessionRevocationSeconds. The margin covers the authorizer's clock skew.
 */
export const LIFETIMES = {
  accessTokenMax: COGNITO_MAX_ACCESS_TOKEN_SECONDS,
  margin: REVOCATION_MARGIN_SECONDS,
} as const;
