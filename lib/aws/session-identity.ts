import { createHash } from 'node:crypto';
import type { CallerIdentity } from '../identity.js';

/**
 * What an AssumeRole on behalf of a caller says about that caller: the session tags, the
 * SourceIdentity and the role session name. Every value comes from the verified identity (the
 * authorizer's context), never from tool input, so a tool cannot choose whom its credentials are for.
 *
 * STS rules applied here (AWS STS API reference, AssumeRole, and IAM User Guide, "Passing session tags"):
 * - at most 50 session tags; keys 1-128 characters, values 0-256; keys and values only letters,
 *   digits, white space and `_ . : / = + - @`; no key starting with `aws:`; keys are compared
 *   without regard to case;
 * - SourceIdentity and RoleSessionName: 2-64 characters of `[\w+=,.@-]`; SourceIdentity cannot
 *   start with `aws:` (impossible here, `:` is not in the set);
 * - tags and any session policy are packed together into a binary limit that STS reports as
 *   PackedPolicySize (a percentage); we send no session policy and at most 4 short tags, far
 *   below it (a value of 256 characters in every one of them still is).
 */

/** The session tag keys this project sends, and the only ones the tool role's trust policy accepts. */
export const SESSION_TAG_KEYS = ['principal', 'client_source', 'auth_method', 'groups'] as const;
/** The tags every session carries; `groups` only when a policy needs groups (see `taggedGroups`). */
export const REQUIRED_SESSION_TAG_KEYS = ['principal', 'client_source', 'auth_method'] as const;
export type SessionTagKey = (typeof SESSION_TAG_KEYS)[number];

export const STS_MAX_TAGS = 50;
export const STS_TAG_KEY_MAX = 128;
export const STS_TAG_VALUE_MAX = 256;
/** Letters, digits, white space and `_ . : / = + - @` (STS's own pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
/** What a mapped SourceIdentity ends with: `=` and 22 base64url characters of a SHA-256. */
const MAPPED_SUFFIX = /=[A-Za-z0-9_-]{22}$/;
const MAPPED_PREFIX_MAX = 64 - 23;

export class SessionIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionIdentityError';
  }
}

export interface SessionTag {
  key: SessionTagKey;
  value: string;
}

export interface SessionIdentity {
  tags: SessionTag[];
  sourceIdentity: string;
  roleSessionName: string;
}

/** Whether a value may be a session tag value as it is. */
export const isTagValue = (value: string) => value.length <= STS_TAG_VALUE_MAX && TAG_VALUE.test(value);

/**
 * The SourceIdentity for a principal: the principal itself when STS accepts it (a Cognito sub is a
 * UUID, 36 characters; API key owners are `[A-Za-z0-9._@:+-]{1,128}`), else a deterministic
 * mapping: every character outside `[\w+,.@-]` becomes `_`, the result is cut to 41 characters
 * and followed by `=` and the first 22 base64url characters of the principal's SHA-256 (132 bits),
 * so `team:ci` becomes `team_ci=…` and a 1-character or 200-character owner fits as well.
 * A principal that already ends like a mapped one is mapped too, so no verbatim principal can
 * equal another principal's mapped form: the mapping is one-to-one (up to SHA-256 collisions).
 * SourceIdentity is for the audit trail (CloudTrail); no policy here keys on it.
 */
export function sourceIdentityFor(principal: string): string {
  if (SOURCE_IDENTITY.test(principal) && !MAPPED_SUFFIX.test(principal)) return principal;
  const digest = createHash('sha256').update(principal, 'utf8').digest('base64url').slice(0, 22);
  const readable = [...principal].map((char) => (/^[\w+,.@-]$/.test(char) ? char : '_')).join('').slice(0, MAPPED_PREFIX_MAX);
  return `${readable}=${digest}`;
}

/**
 * Checks the list of groups that policies key on (configuration, checked at cold start): each a
 * valid tag value without `/` (the separator), and all of them together within one tag value.
 */
export function validateTaggedGroups(groups: readonly string[]): string[] {
  for (const group of groups) {
    if (group.length === 0 || group.includes('/') || !isTagValue(group)) {
      throw new SessionIdentityError(`the group "${group}" cannot be a session tag value (letters, digits, spaces and _ . : = + - @ only, no "/")`);
    }
  }
  const unique = [...new Set(groups)].sort();
  if (groupsTagValue(unique).length > STS_TAG_VALUE_MAX) {
    throw new SessionIdentityError(`the tagged groups together exceed ${STS_TAG_VALUE_MAX} characters, the limit of one session tag value`);
  }
  return unique;
}

/** `/a/b/` for groups a and b: a policy tests membership with StringLike `*\/b/*`. */
const groupsTagValue = (groups: readonly string[]) => `/${groups.join('/')}/`;

/**
 * The session for a caller. `taggedGroups` are the groups some tool role's policy keys on: only
 * the caller's groups among them are tagged (sorted, as `/a/b/`), and no `groups` tag at all
 * when the list is empty, so a session carries no more about the caller than a policy needs.
 *
 * The principal tag is the notes table's partition key, compared by IAM with dynamodb:LeadingKeys:
 * it must be the principal exactly, so it is never mapped. A principal STS cannot carry as a tag
 * value (impossible for a Cognito sub or an API key owner as the CLI creates them) is refused.
 */
export function sessionIdentityFor(caller: CallerIdentity, taggedGroups: readonly string[] = []): SessionIdentity {
  if (caller.principal.length === 0 || !isTagValue(caller.principal)) {
    throw new SessionIdentityError('the principal cannot be a session tag value, so no credentials can be issued for it');
  }
  const tags: SessionTag[] = [
    { key: 'principal', value: caller.principal },
    { key: 'client_source', value: caller.clientTrust },
    { key: 'auth_method', value: caller.authMethod },
  ];
  if (taggedGroups.length > 0) {
    const wanted = new Set(taggedGroups);
    tags.push({ key: 'groups', value: groupsTagValue([...new Set(caller.groups.filter((group) => wanted.has(group)))].sort()) });
  }
  const sourceIdentity = sourceIdentityFor(caller.principal);
  return { tags, sourceIdentity, roleSessionName: sourceIdentity };
}
