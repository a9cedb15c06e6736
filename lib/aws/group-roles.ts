import type { CallerIdentity } from '../identity.js';
import { validateTaggedGroups } from './session-identity.js';

/**
 * Cognito groups that give a caller extra tool roles (issue 11, item 3): `MCP_GROUP_ROLES`,
 * `group=roleArn;group=roleArn`, e.g. `ops=arn:aws:iam::123456789012:role/secure-mcp/prod/ops-tools`.
 *
 * Like `MCP_GROUP_SCOPES` (functions/mcp/policy/scopes.ts), a group counts only when the caller came
 * through a client the operator registered (client_source = operator): anyone can register a
 * lookalike client through DCR, and a member of `ops` signing in with it must not lend it the
 * group's powers. Every extra role must live under the stack's role path
 * (`MCP_GROUP_ROLE_PATH`, `/{service}/{stage}/`) in the tool role's account: the only roles the
 * MCP function's own policy lets it assume besides the tool role (resources/iam.yml), so a mapping
 * to any other role is refused at cold start rather than failing at STS on first use.
 *
 * The operator creates these roles; their trust policy must be the tool role's, plus a test that
 * the session carries the group (README, "Groups → extra tool roles"), so IAM, not only this
 * code, keeps the role to the group's members.
 */
export type GroupRoles = Readonly<Record<string, string>>;

export class GroupRolesConfigError extends Error {
  constructor(message: string) {
    super(`Invalid configuration: MCP_GROUP_ROLES: ${message}`);
    this.name = 'ConfigurationError';
  }
}

const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role(\/[\w+=,.@/-]{1,512})$/;

/**
 * Parses and checks the mapping. `toolRoleArn` fixes partition and account; `rolePath` (e.g.
 * `/secure-mcp/prod/`) is the path every extra role must be directly or indirectly under.
 */
export function parseGroupRoles(value: string | undefined, toolRoleArn: string, rolePath: string | undefined): GroupRoles {
  const entries = (value ?? '').split(/[;\s]+/).filter((part) => part.length > 0);
  if (entries.length === 0) return {};
  const tool = ROLE_ARN.exec(toolRoleArn);
  if (!tool) throw new GroupRolesConfigError('the tool role ARN (CALLER_TOOL_ROLE_ARN) is not a role ARN');
  if (!rolePath || !/^\/(?:[\w+=,.@-]+\/)+$/.test(rolePath)) {
    throw new GroupRolesConfigError('MCP_GROUP_ROLE_PATH must be a role path such as /secure-mcp/prod/');
  }
  const mapping: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (!match) throw new GroupRolesConfigError(`"${entry}" is not group=roleArn`);
    const [, group, arn] = match as unknown as [string, string, string];
    // The group goes into the session's `groups` tag, which the extra role's trust policy tests.
    validateTaggedGroups([group]);
    const role = ROLE_ARN.exec(arn);
    if (!role || role[1] !== tool[1] || role[2] !== tool[2]) {
      throw new GroupRolesConfigError(`"${arn}" is not a role ARN in the tool role's account (${tool[2]})`);
    }
    if (!role[3]!.startsWith(rolePath) || role[3]!.length === rolePath.length) {
      throw new GroupRolesConfigError(`"${arn}" is not under the role path ${rolePath}, the only path the MCP function may assume roles from`);
    }
    if (arn === toolRoleArn) throw new GroupRolesConfigError(`"${group}" maps to the tool role itself`);
    if (mapping[group]) throw new GroupRolesConfigError(`the group "${group}" is mapped twice`);
    mapping[group] = arn;
  }
  return mapping;
}

/** The groups whose extra roles this caller may act with: its own mapped groups, through an operator client only. */
export function usableGroups(caller: Pick<CallerIdentity, 'groups' | 'clientTrust'>, mapping: GroupRoles): string[] {
  if (caller.clientTrust !== 'operator') return [];
  return [...new Set(caller.groups.filter((group) => Object.hasOwn(mapping, group)))].sort();
}
