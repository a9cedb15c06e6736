import type { CallerIdentity } from '../identity.js';
import { CALLER_TOOL_ROLE_VARIABLE, type CallerCredentialsOptions, type CredentialsFor, type ToolCredentials, callerCredentialsFromEnvironment } from './caller-credentials.js';
import { type GroupRoles, parseGroupRoles, usableGroups } from './group-roles.js';
import type { StsClientOptions } from './sts-assume-role.js';

/**
 * What tools get as `services.credentialsFor` / `services.toolRoleGroups`: the caller's
 * credentials for the tool role, or, for a tool that needs more, for the extra role of one of
 * the caller's groups (group-roles.ts). Built once per container from the environment.
 */
export interface ToolCredentialsService {
  /**
   * Credentials that act as the caller: the tool role's, or with `{ group }` that group's extra
   * role's. Throws CredentialsRefusedError when the caller may not use the group's role.
   */
  credentialsFor(caller: CallerIdentity, options?: { group?: string }): Promise<ToolCredentials>;
  /** The groups whose extra roles the caller may use (operator clients only), sorted. */
  groupsOf(caller: CallerIdentity): string[];
}

/** A caller asked for a group role it does not hold (not a member, or not through an operator client). */
export class CredentialsRefusedError extends Error {
  override readonly name = 'CredentialsRefusedError';
}

export const GROUP_ROLES_VARIABLE = 'MCP_GROUP_ROLES';
export const GROUP_ROLE_PATH_VARIABLE = 'MCP_GROUP_ROLE_PATH';

export function toolCredentialsService(credentialsFor: CredentialsFor, groupRoles: GroupRoles = {}): ToolCredentialsService {
  return {
    async credentialsFor(caller, options = {}) {
      if (options.group === undefined) return credentialsFor(caller);
      if (!usableGroups(caller, groupRoles).includes(options.group)) {
        throw new CredentialsRefusedError(`no extra tool role of the group "${options.group}" for this caller (members only, through an operator-registered client)`);
      }
      return credentialsFor(caller, groupRoles[options.group]);
    },
    groupsOf: (caller) => usableGroups(caller, groupRoles),
  };
}

/**
 * From the environment, at cold start: CALLER_TOOL_ROLE_ARN, MCP_GROUP_ROLES, MCP_GROUP_ROLE_PATH
 * and what callerCredentialsFromEnvironment reads. A malformed mapping stops the cold start. The
 * mapped groups are tagged on every session (the `groups` tag), so each extra role's trust
 * policy can require its group.
 */
export function toolCredentialsFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  overrides: Pick<StsClientOptions, 'fetch'> & Pick<CallerCredentialsOptions, 'now'> = {},
): ToolCredentialsService {
  const groupRoles = parseGroupRoles(env[GROUP_ROLES_VARIABLE], env[CALLER_TOOL_ROLE_VARIABLE] ?? '', env[GROUP_ROLE_PATH_VARIABLE]);
  const credentialsFor = callerCredentialsFromEnvironment(env, {
    ...overrides,
    extraRoleArns: Object.values(groupRoles),
    extraTaggedGroups: Object.keys(groupRoles),
  });
  return toolCredentialsService(credentialsFor, groupRoles);
}
