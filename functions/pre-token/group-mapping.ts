import { ConfigurationError } from '../../lib/configuration-error.js';

/**
 * The company identity provider's groups as Cognito groups in the user's tokens, so that
 * mcpGroupScopes and mcpGroupRoles (and their rules: operator clients only, admin gated by group)
 * apply to federated users unchanged. Only the groups the operator lists count: a group the IdP
 * sends that the mapping does not name changes nothing.
 */

/** Where the IdP's group list lands (the pool's custom attribute, filled by the IdP's attribute mapping at every sign-in). */
export const IDP_GROUPS_ATTRIBUTE = 'custom:idp_groups';

export interface GroupMappingConfig {
  /** The identity provider (ProviderName) whose users' group lists are trusted. */
  providerName: string;
  /** IdP group → Cognito group names. */
  mapping: Record<string, string[]>;
}

/** IDP_NAME and IDP_GROUP_MAPPING (`idpGroup=cognitoGroup[+cognitoGroup];...`), read at cold start. */
export function loadGroupMappingConfig(env: Record<string, string | undefined> = process.env): GroupMappingConfig {
  const providerName = env.IDP_NAME ?? '';
  const mapping: Record<string, string[]> = {};
  const problems: Array<{ variable: string; message: string }> = [];
  for (const entry of (env.IDP_GROUP_MAPPING ?? '').split(';').map((part) => part.trim()).filter((part) => part.length > 0)) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    const targets = match?.[2]?.split('+').map((group) => group.trim()).filter((group) => group.length > 0) ?? [];
    if (!match || targets.length === 0) {
      problems.push({ variable: 'IDP_GROUP_MAPPING', message: `"${entry}" is not idpGroup=cognitoGroup[+cognitoGroup]` });
      continue;
    }
    mapping[match[1]!.trim()] = targets;
  }
  if (Object.keys(mapping).length > 0 && !/^[^_\s][^\s]{0,31}$/.test(providerName)) {
    problems.push({ variable: 'IDP_NAME', message: 'must name the identity provider (1 to 32 characters) when IDP_GROUP_MAPPING is set' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { providerName, mapping };
}

/**
 * The IdP's group list as Cognito stores a mapped multi-valued claim: a JSON array, a bracketed
 * list (`[a, b]`), or comma separated. Group names keep their inner spaces.
 */
export function parseGroupList(value: string | undefined): string[] {
  if (!value) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === 'string');
    } catch {
      // Not JSON: `[a, b]`.
    }
  }
  return trimmed
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((group) => group.trim().replace(/^"|"$/g, ''))
    .filter((group) => group.length > 0);
}

/** Whether the user signed in through this provider (Cognito's `identities` attribute, a JSON list). */
function isFederatedThrough(attributes: Record<string, string>, providerName: string): boolean {
  try {
    const identities: unknown = JSON.parse(attributes.identities ?? '[]');
    return Array.isArray(identities) && identities.some((identity) => (identity as { providerName?: unknown })?.providerName === providerName);
  } catch {
    return false;
  }
}

/**
 * The user's Cognito groups plus those their IdP groups map to; undefined when nothing changes
 * (no mapped group, or not a user of the configured provider: a pool user's custom attribute is
 * never trusted, only one the provider's sign-in wrote).
 */
export function tokenGroups(
  request: { userAttributes: Record<string, string>; groupConfiguration: { groupsToOverride?: string[] | undefined } },
  config: GroupMappingConfig,
): string[] | undefined {
  if (!isFederatedThrough(request.userAttributes, config.providerName)) return undefined;
  const current = request.groupConfiguration.groupsToOverride ?? [];
  const added = parseGroupList(request.userAttributes[IDP_GROUPS_ATTRIBUTE]).flatMap((group) => config.mapping[group] ?? []);
  const groups = [...new Set([...current, ...added])];
  return groups.length === current.length ? undefined : groups;
}
