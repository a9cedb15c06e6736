import { type CognitoApi, cognitoApiFromEnvironment } from './cognito/json-api.js';
import { type CognitoOutcome, attempt, outcomeOf } from './cognito-outcome.js';
import { ConfigurationError, type ConfigurationProblem } from './configuration-error.js';
import type { RevocationRecord, RevocationStore } from './revocations.js';

/**
 * Revoking a user: the one implementation behind the MCP tool `users_revoke_tokens` and
 * `npm run admin -- revoke user`. Two halves, in this order:
 *  1. a `user#{sub}` row in the revocation table: the authorizer refuses every token whose session
 *     started (`auth_time`) at or before the revocation, within its cache TTL, whatever Cognito does;
 *  2. Cognito AdminUserGlobalSignOut: the user's refresh tokens stop working at Cognito itself.
 * The row must outlive every token of such a session. Cognito keeps `auth_time` across refreshes,
 * and a refresh token expires its client's RefreshTokenValidity after the sign-in (rotation does
 * not extend it), so the last access token of a session started before the revocation is issued
 * before notBefore + R and expires before notBefore + R + A, R and A being the longest refresh and
 * access token validities of any client of the pool. A row that lapses earlier lets a stolen
 * refresh token work again (the defect this replaces: the row lived A only).
 */

/** Cognito's ceilings for an app client: access tokens at most 1 day, refresh tokens at most 10 years. */
export const COGNITO_MAX_ACCESS_TOKEN_SECONDS = 86_400;
export const COGNITO_MAX_REFRESH_TOKEN_DAYS = 3650;
/** Covers the authorizer's clock-skew allowance on `exp` (AUTHORIZER_CLOCK_SKEW_SECONDS, at most 300). */
export const REVOCATION_MARGIN_SECONDS = 300;

export interface TokenLifetimes {
  /** Longest RefreshTokenValidity, in days, of any app client whose tokens the authorizer accepts. */
  maxRefreshTokenDays: number;
  /** Longest AccessTokenValidity, in seconds, of any such client. */
  maxAccessTokenSeconds: number;
}

/** How long a revocation row must live to outlive every token of a session started before it. */
export function sessionRevocationSeconds(lifetimes: TokenLifetimes): number {
  return lifetimes.maxRefreshTokenDays * 86_400 + lifetimes.maxAccessTokenSeconds + REVOCATION_MARGIN_SECONDS;
}

/**
 * The bound, from the environment, checked once (cold start, CLI start):
 *  - MAX_REFRESH_TOKEN_DAYS (serverless param maxRefreshTokenDays): defaults to Cognito's ceiling,
 *    the only value true for every client without knowing how the operator configured their own;
 *  - DCR_REFRESH_TOKEN_DAYS, when given: what dynamic clients get; the bound may not be below it;
 *  - MCP_MAX_TOKEN_LIFETIME_SECONDS (param maxAccessTokenLifetimeSeconds): defaults to Cognito's ceiling.
 */
export function loadTokenLifetimes(env: Record<string, string | undefined> = process.env): TokenLifetimes {
  const problems: ConfigurationProblem[] = [];
  const integer = (name: string, min: number, max: number, fallback?: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push({ variable: name, message: `must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return Number(raw);
  };
  const maxRefreshTokenDays = integer('MAX_REFRESH_TOKEN_DAYS', 1, COGNITO_MAX_REFRESH_TOKEN_DAYS, COGNITO_MAX_REFRESH_TOKEN_DAYS)!;
  const dcrRefreshTokenDays = integer('DCR_REFRESH_TOKEN_DAYS', 1, COGNITO_MAX_REFRESH_TOKEN_DAYS);
  // Cognito's access token validity: 5 minutes to 1 day.
  const maxAccessTokenSeconds = integer('MCP_MAX_TOKEN_LIFETIME_SECONDS', 300, COGNITO_MAX_ACCESS_TOKEN_SECONDS, COGNITO_MAX_ACCESS_TOKEN_SECONDS)!;
  if (dcrRefreshTokenDays !== undefined && maxRefreshTokenDays < dcrRefreshTokenDays) {
    problems.push({
      variable: 'MAX_REFRESH_TOKEN_DAYS',
      message: `${maxRefreshTokenDays} is below DCR_REFRESH_TOKEN_DAYS (${dcrRefreshTokenDays}), the refresh token lifetime of dynamic clients`,
    });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { maxRefreshTokenDays, maxAccessTokenSeconds };
}

/** The user's sessions at Cognito. */
export interface UserSessions {
  /** Every refresh token Cognito issued to the user stops working. Never throws: the outcome says. */
  signOutEverywhere(user: { sub: string; username?: string | undefined }): Promise<CognitoOutcome>;
}

export interface UserRevocationRequest {
  sub: string;
  /** The Cognito username, when the caller knows it; else it is looked up by sub. */
  username?: string | undefined;
  reason?: string | undefined;
  revokedBy?: string | undefined;
  now?: Date;
  /** Overrides the row lifetime (the CLI's --expires-in); sessionRevocationSeconds otherwise. */
  lifetimeSeconds?: number | undefined;
}

export interface UserRevocation {
  record: RevocationRecord;
  signOut: CognitoOutcome;
}

export async function revokeUserSessions(
  dependencies: { revocations: Pick<RevocationStore, 'revoke'>; sessions: UserSessions },
  lifetimes: TokenLifetimes,
  request: UserRevocationRequest,
): Promise<UserRevocation> {
  const at = request.now ?? new Date();
  const lifetime = request.lifetimeSeconds ?? sessionRevocationSeconds(lifetimes);
  // The row first: it takes effect whatever Cognito answers next.
  const record = await dependencies.revocations.revoke({
    kind: 'user',
    subject: request.sub,
    expiresAt: Math.floor(at.getTime() / 1000) + lifetime,
    reason: request.reason,
    revokedBy: request.revokedBy,
    now: at,
  });
  const signOut = await dependencies.sessions.signOutEverywhere({ sub: request.sub, username: request.username });
  return { record, signOut };
}

/**
 * The Cognito half, for the pool `userPoolId` (IAM: cognito-idp:ListUsers to find a username by
 * sub, cognito-idp:AdminUserGlobalSignOut). Over Cognito's JSON API from the environment unless
 * given another (the admin CLI passes the SDK's, lib/cognito/sdk-api.ts).
 */
export function cognitoUserSessions(userPoolId: string, cognito: CognitoApi = cognitoApiFromEnvironment()): UserSessions {
  return {
    async signOutEverywhere(user) {
      let username = user.username;
      if (username === undefined) {
        try {
          username = await usernameOfSub(cognito, userPoolId, user.sub);
        } catch (error) {
          return outcomeOf(error);
        }
        if (username === undefined) return { status: 'no_user', message: `no user with sub ${user.sub} in the pool: nothing to sign out` };
      }
      const name = username;
      return attempt(() => cognito('AdminUserGlobalSignOut', { UserPoolId: userPoolId, Username: name }));
    },
  };
}

interface ListedUser {
  Username?: string;
  Attributes?: Array<{ Name?: string; Value?: string }>;
}

async function usernameOfSub(cognito: CognitoApi, userPoolId: string, sub: string): Promise<string | undefined> {
  const listed = await cognito('ListUsers', { UserPoolId: userPoolId, Filter: `sub = "${sub.replaceAll('"', '')}"`, Limit: 1 });
  const users = (listed.Users ?? []) as ListedUser[];
  const match = users.find((candidate) => candidate.Attributes?.some((attribute) => attribute.Name === 'sub' && attribute.Value === sub));
  return match?.Username;
}
