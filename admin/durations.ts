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
 * How long a revocation row must live: as long as the longest-lived token it can affect. Tokens
 * of DCR clients: access 60 minutes, refresh 30 days (dcr/cognito-app-clients.ts); Cognito allows
 * access tokens up to 1 day. A margin covers the authorizer's clock-skew allowance.
 */
export const LIFETIMES = {
  accessTokenMax: 86_400,
  refreshToken: 30 * 86_400,
  margin: 300,
} as const;
