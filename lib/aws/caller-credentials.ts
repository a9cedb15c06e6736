import { inspect } from 'node:util';
import type { CallerIdentity } from '../identity.js';
import { LOCAL_FUNCTION_ROLE_SOURCE, localToolCredentialsSource } from './local-credentials.js';
import { signingRegion } from './region.js';
import { type SessionIdentity, sessionIdentityFor, validateTaggedGroups } from './session-identity.js';
import { type AssumeRoleRequest, type AwsCredentials, type StsClientOptions, TOOL_SESSION_SECONDS, createAssumeRole } from './sts-assume-role.js';
import { stsEndpoint } from './sts-endpoint.js';
import { StsError } from './sts-error.js';

/**
 * `credentialsFor(caller)`: AWS credentials that act as the caller, for tools that reach AWS. One
 * AssumeRole of the tool role per (role, session) and container, kept until shortly before it
 * expires; concurrent calls for the same session share one STS call (single flight), a failed
 * call is not kept. The session, and so the cache key, is everything the tags say (principal,
 * client source, auth method, tagged groups): the same user through a dynamic client and through
 * an operator client gets two sessions, never one tagged for the other.
 *
 * The credentials are never logged or returned to a client: JSON.stringify and util.inspect of
 * them show only the access key id's first four characters and the expiry.
 */

export interface ToolCredentials extends AwsCredentials {
  sessionToken: string;
  expiration: Date;
}

export type CredentialsFor = (caller: CallerIdentity, roleArn?: string) => Promise<ToolCredentials>;

/** Issues credentials for one session: STS AssumeRole, or the local source. */
export type IssueCredentials = (request: AssumeRoleRequest, signal: AbortSignal) => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}>;

export interface CallerCredentialsOptions {
  /** The tool role every caller gets. */
  roleArn: string;
  /** Further roles a caller may be given (item 3 of issue 11: groups to extra roles); none by default. */
  extraRoleArns?: readonly string[];
  issue: IssueCredentials;
  /** Groups some tool role's policy keys on (session-identity.ts); none by default. */
  taggedGroups?: readonly string[];
  /**
   * How long before expiry a session is replaced. Longer than the longest tool call (the MCP
   * function's timeout is 10 s), so credentials never expire in the middle of one.
   */
  refreshBeforeExpiryMs?: number;
  /** Bound on one STS exchange, retries included. */
  timeoutMs?: number;
  /** Sessions kept per container; the least recently used goes first. */
  maxSessions?: number;
  now?: () => number;
}

export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 120_000;
export const DEFAULT_STS_TIMEOUT_MS = 2_000;
export const DEFAULT_MAX_SESSIONS = 1_000;

interface Entry {
  credentials: Promise<ToolCredentials>;
  /** Epoch ms after which the entry is replaced; Infinity while the exchange runs. */
  replaceAfter: number;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function createCallerCredentials(options: CallerCredentialsOptions): CredentialsFor {
  for (const arn of [options.roleArn, ...(options.extraRoleArns ?? [])]) {
    if (!ROLE_ARN.test(arn)) throw new Error(`not an IAM role ARN: ${arn}`);
  }
  const roles = new Set([options.roleArn, ...(options.extraRoleArns ?? [])]);
  const taggedGroups = validateTaggedGroups(options.taggedGroups ?? []);
  const margin = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS;
  const maxSessions = Math.max(1, options.maxSessions ?? DEFAULT_MAX_SESSIONS);
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Entry>();

  const start = (key: string, roleArn: string, session: SessionIdentity): Entry => {
    // The callbacks run after `entry` is assigned: a promise never settles synchronously.
    let entry: Entry;
    const credentials = options.issue({ roleArn, session, durationSeconds: TOOL_SESSION_SECONDS }, AbortSignal.timeout(timeoutMs)).then(
      (issued) => {
        entry.replaceAfter = issued.expiration.getTime() - margin;
        return redacted(issued);
      },
      (error: unknown) => {
        // Not kept: the next call tries again.
        if (sessions.get(key) === entry) sessions.delete(key);
        throw error;
      },
    );
    entry = { credentials, replaceAfter: Number.POSITIVE_INFINITY };
    sessions.set(key, entry);
    while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value!);
    return entry;
  };

  return async (caller, roleArn = options.roleArn) => {
    if (!roles.has(roleArn)) throw new Error('credentials were asked for a role that is not configured');
    const session = sessionIdentityFor(caller, taggedGroups);
    const key = JSON.stringify([roleArn, session.tags]);
    const cached = sessions.get(key);
    if (cached && now() < cached.replaceAfter) {
      // Most recently used last, so eviction takes the least recently used.
      sessions.delete(key);
      sessions.set(key, cached);
      return cached.credentials;
    }
    return start(key, roleArn, session).credentials;
  };
}

/** The credentials, with JSON and inspect renderings that leave the secrets out. */
function redacted(issued: Awaited<ReturnType<IssueCredentials>>): ToolCredentials {
  const credentials: ToolCredentials = {
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken,
    expiration: issued.expiration,
  };
  const safe = () => ({ accessKeyId: `${issued.accessKeyId.slice(0, 4)}…`, expiration: issued.expiration.toISOString() });
  // Not enumerable: spreading the credentials into a signer's options copies only the four fields.
  Object.defineProperty(credentials, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(credentials, inspect.custom, { value: () => `ToolCredentials ${JSON.stringify(safe())}`, enumerable: false });
  return credentials;
}

/** The STS source: AssumeRole signed with the function's own credentials. */
export function stsIssuer(options: StsClientOptions): IssueCredentials {
  const assumeRole = createAssumeRole(options);
  return async (request, signal) => assumeRole(request, signal);
}

/** The local source (local-credentials.ts): the function's own credentials, for STS's 900 s. */
export function functionRoleIssuer(credentials: AwsCredentials, now: () => number = Date.now): IssueCredentials {
  return async () => ({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken ?? '',
    expiration: new Date(now() + TOOL_SESSION_SECONDS * 1000),
  });
}

export const CALLER_TOOL_ROLE_VARIABLE = 'CALLER_TOOL_ROLE_ARN';
export const CALLER_SESSION_GROUPS_VARIABLE = 'CALLER_SESSION_GROUPS';

/**
 * `credentialsFor` for this Lambda function, from its environment: the tool role
 * (CALLER_TOOL_ROLE_ARN), the groups to tag (CALLER_SESSION_GROUPS, space separated), the
 * function's own credentials and region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, AWS_REGION), the STS endpoint as the AWS SDK finds it; or the local source
 * when LOCAL_TOOL_CREDENTIALS allows it. A missing or malformed role ARN, or a local source asked
 * for outside the local stack, throws: the cold start fails. Missing credentials do not: every
 * call then fails with a ConfigurationError, which the tool turns into an error result.
 */
export function callerCredentialsFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<StsClientOptions, 'fetch'> & Pick<CallerCredentialsOptions, 'now' | 'extraRoleArns'> & { extraTaggedGroups?: readonly string[] } = {},
): CredentialsFor {
  const local = localToolCredentialsSource(env);
  const roleArn = env[CALLER_TOOL_ROLE_VARIABLE] ?? '';
  if (!ROLE_ARN.test(roleArn)) throw new Error(`${CALLER_TOOL_ROLE_VARIABLE} must be the ARN of the tool role`);
  const taggedGroups = [
    ...(env[CALLER_SESSION_GROUPS_VARIABLE] ?? '').split(/\s+/).filter((group) => group.length > 0),
    ...(overrides.extraTaggedGroups ?? []),
  ];
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined;
  const common = {
    roleArn,
    taggedGroups,
    ...(overrides.extraRoleArns ? { extraRoleArns: overrides.extraRoleArns } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  };
  if (!credentials) {
    const error = new StsError('ConfigurationError', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required');
    return createCallerCredentials({ ...common, issue: async () => Promise.reject(error) });
  }
  if (local === LOCAL_FUNCTION_ROLE_SOURCE) return createCallerCredentials({ ...common, issue: functionRoleIssuer(credentials, overrides.now) });
  let issue: IssueCredentials;
  try {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    const endpoint = stsEndpoint(env, region);
    // A local endpoint with no AWS_REGION still needs a region to sign with.
    issue = stsIssuer({ region: signingRegion(region), endpoint, credentials, ...(overrides.fetch ? { fetch: overrides.fetch } : {}) });
  } catch (error) {
    if (!(error instanceof StsError)) throw error;
    issue = async () => Promise.reject(error);
  }
  return createCallerCredentials({ ...common, issue });
}
