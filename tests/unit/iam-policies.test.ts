import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_SESSION_TAG_KEYS, SESSION_TAG_KEYS, sessionIdentityFor } from '../../lib/aws/session-identity.js';
import type { CallerIdentity } from '../../lib/identity.js';
import type { CfnTemplate, RenderContext } from '../support/template/cloudformation.js';
import { ACCOUNT, arnContext, decide, grantedPairs, type PolicyDocument, roleIds, rolePolicies, type RolePolicies } from '../support/template/iam-policies.js';
import { packageTemplate } from '../support/template/packaged-template.js';

/**
 * The IAM policies of the template `serverless package` produces, evaluated offline by an IAM
 * policy simulator (@cloud-copilot/iam-simulate: conditions, policy variables, ForAllValues,
 * trust policies). Each check returns the problems it finds; every check is also run on a copy of
 * the template with one condition flipped or one permission widened, and must then find that
 * problem ("the checks can fail", below), so that none of them passes vacuously.
 *
 * DynamoDB Local, which the local stack and the integration tests use, evaluates no IAM at all:
 * this simulation is the only proof here that one caller's session cannot reach another's notes.
 *
 * What this does not show: that AWS evaluates exactly as the simulator does (it models AWS's
 * documented evaluation logic, and was not compared with a real account here), and that DynamoDB
 * fills dynamodb:LeadingKeys as documented (with the partition key of every item a request names).
 */
const REGION = 'eu-west-1';
const STACK = 'secure-mcp-prod';

let dir: string;
let template: CfnTemplate;
beforeAll(() => {
  ({ dir, template } = packageTemplate({ stage: 'prod', region: REGION, prefix: 'mcp-iam-' }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = (source: CfnTemplate) => arnContext(source, { region: REGION, stackName: STACK });
const roleOf = (source: CfnTemplate, roleId: string) => rolePolicies(source, context(source), roleId);

const identity = (principal: string, overrides: Partial<CallerIdentity> = {}): CallerIdentity => ({
  principal,
  authMethod: 'jwt',
  sub: principal,
  username: `${principal}@example.com`,
  clientId: 'client-1',
  scopes: ['read'],
  groups: [],
  tokenId: 'jti-1',
  expiresAt: 2_000_000_000,
  clientTrust: 'operator',
  ...overrides,
});
const USER_A = '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b';
const USER_B = 'b0b0b0b0-1b4c-4e6f-9a7b-0c1d2e3f4a5b';

/** The request context STS gives a tool session of a caller: its tags, exactly as lib/aws sends them. */
function sessionContext(caller: CallerIdentity, groups: string[] = []): Record<string, string> {
  const session = sessionIdentityFor(caller, groups);
  return { ...Object.fromEntries(session.tags.map((tag) => [`aws:PrincipalTag/${tag.key}`, tag.value])), 'aws:SourceIdentity': session.sourceIdentity };
}

/** The request context of the AssumeRole (and TagSession, SetSourceIdentity) that lib/aws makes for a caller. */
function assumeRoleContext(caller: CallerIdentity, groups: string[] = []): Record<string, string | string[]> {
  const session = sessionIdentityFor(caller, groups);
  return {
    'aws:TagKeys': session.tags.map((tag) => tag.key),
    ...Object.fromEntries(session.tags.map((tag) => [`aws:RequestTag/${tag.key}`, tag.value])),
    'sts:SourceIdentity': session.sourceIdentity,
    'sts:RoleSessionName': session.roleSessionName,
  };
}

// ---------------------------------------------------------------------------------------------
// The notes table under the tool role: each caller's own partition only.
// ---------------------------------------------------------------------------------------------
const NOTES_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

async function isolationProblems(source: CfnTemplate): Promise<string[]> {
  const role = roleOf(source, 'CallerToolRole');
  const notes = context(source).getAtt('NotesTable', 'Arn')!;
  const asA = sessionContext(identity(USER_A));
  const problems: string[] = [];
  const expect = async (want: 'Allowed' | 'Denied', what: string, action: string, leading: string[] | undefined, session = asA) => {
    const decision = await decide({
      principal: role.sessionArn,
      action,
      resource: notes,
      context: { ...session, ...(leading ? { 'dynamodb:LeadingKeys': leading } : {}) },
      identityPolicies: role.policies,
    });
    if ((decision === 'Allowed') !== (want === 'Allowed')) problems.push(`${what}: ${action} is ${decision}`);
  };
  for (const action of NOTES_ACTIONS) {
    await expect('Allowed', "A's session on A's partition", action, [USER_A]);
    await expect('Denied', "A's session on B's partition", action, [USER_B]);
    await expect('Denied', "A's session on A's and B's partitions", action, [USER_A, USER_B]);
    await expect('Denied', "A's session naming no partition key", action, undefined);
    await expect('Denied', 'a session without the principal tag', action, [USER_A], { 'aws:PrincipalTag/client_source': 'operator' });
    // A session of an API key whose owner shares a prefix with A's sub gets nothing of A's.
    await expect('Denied', 'a session of a lookalike principal', action, [USER_A], sessionContext(identity(`${USER_A}x`, { authMethod: 'api_key' })));
  }
  for (const action of ['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable']) {
    await expect('Denied', "A's session, an action the tools do not use", action, [USER_A]);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The tool role's trust policy: only the MCP function's role, only with the identity tags and a SourceIdentity.
// ---------------------------------------------------------------------------------------------
async function trustProblems(source: CfnTemplate): Promise<string[]> {
  const tool = roleOf(source, 'CallerToolRole');
  const mcp = roleOf(source, 'McpRole');
  const problems: string[] = [];
  const session = (role: RolePolicies) => role.sessionArn;
  const check = async (want: 'Allowed' | 'Denied', what: string, action: string, ctx: Record<string, string | string[]>, principal = session(mcp), identityPolicies = mcp.policies) => {
    const decision = await decide({ principal, action, resource: tool.roleArn, context: ctx, identityPolicies, resourcePolicy: tool.trust });
    if ((decision === 'Allowed') !== (want === 'Allowed')) problems.push(`${what}: ${action} is ${decision}`);
  };
  const good = assumeRoleContext(identity(USER_A));
  const withGroups = assumeRoleContext(identity(USER_A, { groups: ['ops'] }), ['ops']);
  const apiKey = assumeRoleContext(identity('team:ci-bot', { authMethod: 'api_key', clientTrust: 'operator' }));
  const calls = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
  for (const action of calls) {
    await check('Allowed', 'the MCP function for a user', action, good);
    await check('Allowed', 'the MCP function for a user, with the groups tag', action, withGroups);
    await check('Allowed', 'the MCP function for an API key', action, apiKey);
  }
  // Any other principal: another role of this stack (even given the MCP role's own permissions),
  // a user of the account, the account root, the same role name in another account.
  const others = [
    roleOf(source, 'DcrRole').sessionArn,
    `arn:aws:iam::${ACCOUNT}:user/someone`,
    `arn:aws:iam::${ACCOUNT}:root`,
    session(mcp).replace(ACCOUNT, '210987654321'),
  ];
  for (const principal of others) for (const action of calls) await check('Denied', `the principal ${principal}`, action, good, principal);
  const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([name]) => name !== key));
  const tagKeys = (keys: string[]) => ({ ...good, 'aws:TagKeys': keys });
  await check('Denied', 'another tag key', 'sts:TagSession', { ...tagKeys([...REQUIRED_SESSION_TAG_KEYS, 'role']), 'aws:RequestTag/role': 'admin' });
  await check('Denied', 'another tag key', 'sts:AssumeRole', { ...tagKeys([...REQUIRED_SESSION_TAG_KEYS, 'role']), 'aws:RequestTag/role': 'admin' });
  await check('Denied', 'a tag key differing in case', 'sts:TagSession', { ...tagKeys(['Principal', 'client_source', 'auth_method']), 'aws:RequestTag/Principal': USER_A });
  for (const key of REQUIRED_SESSION_TAG_KEYS) {
    const missing = { ...without(`aws:RequestTag/${key}`), 'aws:TagKeys': REQUIRED_SESSION_TAG_KEYS.filter((name) => name !== key) };
    await check('Denied', `no ${key} tag`, 'sts:AssumeRole', missing);
    await check('Denied', `no ${key} tag`, 'sts:TagSession', missing);
  }
  await check('Denied', 'a client_source outside operator/dynamic', 'sts:TagSession', { ...good, 'aws:RequestTag/client_source': 'admin' });
  await check('Denied', 'an auth_method outside jwt/api_key', 'sts:TagSession', { ...good, 'aws:RequestTag/auth_method': 'none' });
  await check('Denied', 'transitive tag keys', 'sts:TagSession', { ...good, 'sts:TransitiveTagKeys': ['principal'] });
  await check('Denied', 'no SourceIdentity', 'sts:AssumeRole', without('sts:SourceIdentity'));
  await check('Denied', 'no SourceIdentity', 'sts:SetSourceIdentity', without('sts:SourceIdentity'));
  // The trust names the account and McpRole's ARN, never McpRole as a principal: IAM would hold a
  // role principal as the role's unique id, which a new McpRole (remove, deploy) does not have, and
  // may refuse a principal that is seconds old.
  for (const statement of tool.trust.Statement) {
    const principal = JSON.stringify(statement.Principal);
    if (principal !== JSON.stringify({ AWS: `arn:aws:iam::${ACCOUNT}:root` })) problems.push(`${statement.Sid}: trusts ${principal}, not the account`);
    if (statement.Condition?.ArnEquals?.['aws:PrincipalArn'] !== mcp.roleArn) problems.push(`${statement.Sid}: not narrowed to ${mcp.roleArn} by aws:PrincipalArn`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Least privilege: for every role, what its code calls, and nothing beyond.
// ---------------------------------------------------------------------------------------------
interface Call {
  actions: string[];
  /** What the policy names (a reference to this stack's resource, rendered). */
  resource: (ctx: RenderContext) => string;
  /** What a request names (a log stream inside a log group, for instance); the resource itself otherwise. */
  request?: (ctx: RenderContext) => string;
  /** The same kind of resource, not this stack's: must be denied. Absent where the action takes only "*". */
  foreign?: string;
  /** Request context the statement's conditions need (the tool role's session tags). */
  context?: Record<string, string | string[]>;
}

const arn = (id: string) => (ctx: RenderContext) => ctx.getAtt(id, 'Arn')!;
const logs = (id: string): Call => ({
  actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  resource: arn(id),
  request: (ctx) => `${ctx.getAtt(id, 'Arn')!.replace(/:\*$/, '')}:log-stream:2026/12/01/[$LATEST]0123456789abcdef`,
  foreign: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/another-function:log-stream:x`,
});
const table = (id: string, actions: string[], extra: Partial<Call> = {}): Call => ({
  actions,
  resource: arn(id),
  foreign: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/another-table`,
  ...extra,
});
const pool = (actions: string[]): Call => ({
  actions,
  resource: arn('CognitoUserPool'),
  foreign: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_AnotherPool`,
});
const XRAY: Call = { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resource: () => '*' };

/**
 * What each role's code calls, from reading it (the AWS SDK commands and lib/dynamodb/json-api.ts
 * operations of each function; `users_revoke_tokens` and friends for McpRole). A role may hold
 * exactly these (action, resource) pairs: no more actions, no other resources, no `*` but X-Ray's.
 */
const CALLS: Record<string, Call[]> = {
  AuthorizerRole: [
    logs('AuthorizerLogGroup'),
    table('RevocationsTable', ['dynamodb:BatchGetItem']),
    table('ClientsTable', ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']),
    table('ApiKeysTable', ['dynamodb:GetItem']),
  ],
  McpRole: [
    logs('McpLogGroup'),
    // No notes table: the notes store runs with the caller's credentials (CallerToolRole).
    table('RateLimitsTable', ['dynamodb:UpdateItem']),
    table('RevocationsTable', ['dynamodb:GetItem', 'dynamodb:PutItem']),
    // users_revoke_tokens: find the user by sub, sign them out of Cognito; whoami: the caller's e-mail.
    pool(['cognito-idp:ListUsers', 'cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminGetUser']),
    XRAY,
    // Input-required confirmations: the secret their shared key is derived from (its own, not the facade's).
    {
      actions: ['secretsmanager:GetSecretValue'],
      resource: (ctx) => ctx.ref('McpRequestStateSecret')!,
      foreign: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:secure-mcp-prod-oauth-key-AbCdEf`,
    },
    {
      actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      resource: arn('CallerToolRole'),
      foreign: `arn:aws:iam::${ACCOUNT}:role/another-role`,
    },
    // The groups' extra tool roles (mcpGroupRoles): only roles under the stack's own role path.
    {
      actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      resource: () => `arn:aws:iam::${ACCOUNT}:role/secure-mcp/prod/*`,
      request: () => GROUP_ROLE_ARN,
      foreign: `arn:aws:iam::${ACCOUNT}:role/secure-mcp/staging/ops-tools`,
    },
  ],
  CallerToolRole: [
    table('NotesTable', NOTES_ACTIONS, { context: { ...sessionContext(identity(USER_A)), 'dynamodb:LeadingKeys': [USER_A] } }),
    // cloudwatch_alarms: the alarms named with the stack's prefix (alarmNamePrefix), see alarmProblems.
    {
      actions: ['cloudwatch:DescribeAlarms'],
      resource: () => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:secure-mcp-prod-*`,
      request: () => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:secure-mcp-prod-authentication-failures`,
      foreign: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:another-team-cpu-high`,
    },
  ],
  DcrRole: [
    logs('DcrLogGroup'),
    pool(['cognito-idp:CreateUserPoolClient', 'cognito-idp:UpdateUserPoolClient', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient']),
    table('ClientsTable', ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']),
    {
      actions: ['dynamodb:Query'],
      resource: (ctx) => `${ctx.getAtt('ClientsTable', 'Arn')}/index/byFingerprint`,
      foreign: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/another-table/index/byFingerprint`,
    },
    table('RateLimitsTable', ['dynamodb:UpdateItem']),
  ],
  // No cognito-idp:RevokeToken: Cognito does not evaluate IAM for it (the token and the client's
  // own credentials authorise it), so a statement for it would grant nothing.
  RevokeRole: [
    logs('RevokeLogGroup'),
    pool(['cognito-idp:DescribeUserPoolClient']),
    table('ClientsTable', ['dynamodb:GetItem']),
    table('RevocationsTable', ['dynamodb:PutItem']),
    // The used jtis of client assertions (assertion#<hash>).
    table('OAuthStateTable', ['dynamodb:PutItem']),
  ],
  DcrCleanupRole: [
    logs('DcrCleanupLogGroup'),
    pool(['cognito-idp:ListUserPoolClients', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient']),
    // UpdateItem + DeleteItem also cover the CIMD retirement's TransactWriteItems (IAM checks each action in it).
    table('ClientsTable', ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
  ],
  OAuthAuthorizeRole: [
    logs('OauthAuthorizeLogGroup'),
    // GetItem: the client; UpdateItem: migration and CIMD refreshes; PutItem: a new CIMD client; Scan: the cap.
    table('ClientsTable', ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Scan']),
    table('RateLimitsTable', ['dynamodb:UpdateItem']),
    table('OAuthStateTable', ['dynamodb:PutItem']),
    pool(['cognito-idp:UpdateUserPoolClient', 'cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient']),
    {
      actions: ['secretsmanager:GetSecretValue'],
      resource: (ctx) => ctx.ref('OAuthKeySecret')!,
      foreign: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:another-secret-AbCdEf`,
    },
  ],
  // GetItem: a code's binding, checked before it is spent (oauth/code-grants.ts find); DeleteItem:
  // redeeming it; PutItem: the used jtis of client assertions.
  OAuthTokenRole: [
    logs('OauthTokenLogGroup'),
    table('OAuthStateTable', ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']),
    table('ClientsTable', ['dynamodb:GetItem']),
    table('RevocationsTable', ['dynamodb:ConditionCheckItem']),
    table('GrantsTable', ['dynamodb:UpdateItem']),
  ],
  OAuthAppsRole: [
    logs('OauthAppsLogGroup'),
    table('GrantsTable', ['dynamodb:Query', 'dynamodb:DeleteItem']),
    table('RevocationsTable', ['dynamodb:PutItem']),
    table('ClientsTable', ['dynamodb:GetItem']),
    {
      actions: ['secretsmanager:GetSecretValue'],
      resource: (ctx) => ctx.ref('OAuthKeySecret')!,
      foreign: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:another-secret-AbCdEf`,
    },
  ],
  MetadataRole: [logs('MetadataLogGroup')],
  HealthRole: [logs('HealthLogGroup')],
  // API Gateway's account-level logging role (resources/api-logs.yml): no inline policy, only AWS's
  // managed AmazonAPIGatewayPushToCloudWatchLogs, held to that in template-operations.test.ts.
  ApiGatewayCloudWatchRole: [],
  PreTokenGenerationRole: [logs('PreTokenGenerationLogGroup')],
};

const GROUP_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/secure-mcp/prod/ops-tools`;

// ---------------------------------------------------------------------------------------------
// The MCP function's own role no longer reaches the notes table; only a caller's session does.
// ---------------------------------------------------------------------------------------------
async function mcpNotesProblems(source: CfnTemplate): Promise<string[]> {
  const mcp = roleOf(source, 'McpRole');
  const notes = context(source).getAtt('NotesTable', 'Arn')!;
  const problems: string[] = [];
  for (const action of [...NOTES_ACTIONS, 'dynamodb:Scan', 'dynamodb:PutItem']) {
    // With and without a LeadingKeys value: no condition of the tool role's can apply to McpRole.
    for (const leading of [undefined, [USER_A]]) {
      const decision = await decide({
        principal: mcp.sessionArn,
        action,
        resource: notes,
        context: leading ? { 'dynamodb:LeadingKeys': leading } : {},
        identityPolicies: mcp.policies,
      });
      if (decision === 'Allowed') problems.push(`McpRole: ${action} on the notes table is Allowed`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// cloudwatch_alarms: DescribeAlarms limited by alarm name, since it cannot be limited by tag.
// ---------------------------------------------------------------------------------------------
async function alarmProblems(source: CfnTemplate): Promise<string[]> {
  const role = roleOf(source, 'CallerToolRole');
  const problems: string[] = [];
  const session = sessionContext(identity(USER_A));
  const check = async (want: 'Allowed' | 'Denied', resource: string, extra: Record<string, string> = {}) => {
    const decision = await decide({ principal: role.sessionArn, action: 'cloudwatch:DescribeAlarms', resource, context: { ...session, ...extra }, identityPolicies: role.policies });
    if ((decision === 'Allowed') !== (want === 'Allowed')) problems.push(`DescribeAlarms on ${resource}: ${decision}`);
  };
  const alarm = (name: string, region = REGION) => `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${name}`;
  await check('Allowed', alarm('secure-mcp-prod-authentication-failures'));
  await check('Allowed', alarm('secure-mcp-prod-dynamic-clients-near-quota'));
  await check('Denied', alarm('another-team-cpu-high'));
  // Another stage of the same service shares the service prefix but not the stage's.
  await check('Denied', alarm('secure-mcp-staging-authentication-failures'));
  await check('Denied', alarm('secure-mcp-prod-authentication-failures', 'us-east-1'));
  // A name that is only part of the prefix.
  await check('Denied', alarm('secure-mcp-pro'));
  // A resource tag cannot widen or narrow it: IAM's reference lists no condition key for the action.
  await check('Denied', alarm('another-team-cpu-high'), { 'aws:ResourceTag/team': 'mcp' });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// A group's extra tool role, as the README tells operators to create it: its trust policy, read
// from the README itself, simulated with the MCP function's role and its identity policy.
// ---------------------------------------------------------------------------------------------
function readmeGroupRoleTrust(mcpRoleArn: string): PolicyDocument {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- group-role-trust-policy -->\s*```json\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README: no group role trust policy block');
  return JSON.parse(block[1]!.replaceAll('MCP_ROLE_ARN', mcpRoleArn).replaceAll('ACCOUNT_ID', ACCOUNT)) as PolicyDocument;
}

async function groupRoleProblems(source: CfnTemplate, trust: PolicyDocument): Promise<string[]> {
  const mcp = roleOf(source, 'McpRole');
  const problems: string[] = [];
  const check = async (want: 'Allowed' | 'Denied', what: string, action: string, ctx: Record<string, string | string[]>, resource = GROUP_ROLE_ARN, principal = mcp.sessionArn) => {
    const decision = await decide({ principal, action, resource, context: ctx, identityPolicies: mcp.policies, resourcePolicy: trust });
    if ((decision === 'Allowed') !== (want === 'Allowed')) problems.push(`${what}: ${action} is ${decision}`);
  };
  const member = assumeRoleContext(identity(USER_A, { groups: ['ops', 'sales'] }), ['ops']);
  const dynamicMember = assumeRoleContext(identity(USER_A, { groups: ['ops'], clientTrust: 'dynamic' }), ['ops']);
  const nonMember = assumeRoleContext(identity(USER_B, { groups: ['sales'] }), ['ops', 'sales']);
  const lookalike = assumeRoleContext(identity(USER_B, { groups: ['ops-lead'] }), ['ops-lead']);
  const untagged = assumeRoleContext(identity(USER_A, { groups: ['ops'] }));
  for (const action of ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']) {
    await check('Allowed', 'a member of ops through an operator client', action, member);
  }
  for (const action of ['sts:AssumeRole', 'sts:TagSession']) {
    await check('Denied', 'a member of ops through a dynamic client', action, dynamicMember);
    await check('Denied', 'a caller not in ops', action, nonMember);
    await check('Denied', 'a caller in ops-lead', action, lookalike);
    await check('Denied', 'a session without the groups tag', action, untagged);
    await check('Denied', 'another role of the stack', action, member, GROUP_ROLE_ARN, roleOf(source, 'DcrRole').sessionArn);
  }
  // McpRole's own policy matters where a trust policy names the account rather than McpRole
  // (in one account, a trust policy naming the role itself needs no identity policy): such a role
  // is assumable under the stack's path and refused outside it.
  const trustsAccount = structuredClone(trust);
  for (const statement of trustsAccount.Statement) statement.Principal = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
  const asAccount = (want: 'Allowed' | 'Denied', resource: string) => async () => {
    const decision = await decide({ principal: mcp.sessionArn, action: 'sts:AssumeRole', resource, context: member, identityPolicies: mcp.policies, resourcePolicy: trustsAccount });
    if ((decision === 'Allowed') !== (want === 'Allowed')) problems.push(`a role trusting the account at ${resource}: sts:AssumeRole is ${decision}`);
  };
  await asAccount('Allowed', GROUP_ROLE_ARN)();
  await asAccount('Denied', `arn:aws:iam::${ACCOUNT}:role/ops-tools`)();
  await asAccount('Denied', `arn:aws:iam::${ACCOUNT}:role/secure-mcp/staging/ops-tools`)();
  return problems;
}

const pairKey = (action: string, resource: string) => `${action} on ${resource}`;

async function leastPrivilegeProblems(source: CfnTemplate): Promise<string[]> {
  const problems: string[] = [];
  const ctx = context(source);
  const roles = roleIds(source);
  const unlisted = roles.filter((id) => !CALLS[id]);
  if (unlisted.length > 0) problems.push(`roles missing from the table: ${unlisted.join(', ')}`);
  for (const roleId of roles.filter((id) => CALLS[id])) {
    const role = rolePolicies(source, ctx, roleId);
    const granted = grantedPairs(role);
    // The shape of every statement: plain Allow lists, no wildcard action, no bare "*" but X-Ray's.
    for (const { action, resource, policy, statement } of granted) {
      if (statement.Effect !== 'Allow' || statement.NotAction || statement.NotResource) problems.push(`${roleId} ${policy}: only plain Allow statements`);
      if (action.includes('*') || action.includes('?')) problems.push(`${roleId} ${policy}: wildcard action ${action}`);
      if (resource === '*' && !XRAY.actions.includes(action)) problems.push(`${roleId} ${policy}: ${action} on "*"`);
    }
    // Exactly the table's pairs.
    const wanted = new Set(CALLS[roleId]!.flatMap((call) => call.actions.map((action) => pairKey(action, call.resource(ctx)))));
    const have = new Set(granted.map(({ action, resource }) => pairKey(action, resource)));
    for (const pair of have) if (!wanted.has(pair)) problems.push(`${roleId} holds ${pair}, which its code does not call`);
    for (const pair of wanted) if (!have.has(pair)) problems.push(`${roleId} lacks ${pair}`);
    // And IAM agrees: each call is allowed, the same call on a resource not of this stack is not.
    for (const call of CALLS[roleId]!) {
      for (const action of call.actions) {
        const ask = (resource: string) =>
          decide({ principal: role.sessionArn, action, resource, context: call.context ?? {}, identityPolicies: role.policies });
        const own = await ask((call.request ?? call.resource)(ctx));
        if (own !== 'Allowed') problems.push(`${roleId}: ${action} on its own resource is ${own}`);
        if (call.foreign) {
          const foreign = await ask(call.foreign);
          if (foreign === 'Allowed') problems.push(`${roleId}: ${action} is allowed on ${call.foreign}`);
        }
      }
    }
  }
  return problems;
}

describe('IAM over the packaged template (simulated)', () => {
  it("lets a caller's tool session reach only the caller's own notes partition", async () => {
    expect(await isolationProblems(template)).toEqual([]);
  });

  it('lets only the MCP function assume the tool role, only with the identity tags and a SourceIdentity', async () => {
    expect(await trustProblems(template)).toEqual([]);
  });

  it('gives the MCP function the tool role, role path and alarm prefix the policies name', () => {
    const variables = (template.Resources.McpLambdaFunction as unknown as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
    expect(variables.CALLER_TOOL_ROLE_ARN).toEqual({ 'Fn::GetAtt': ['CallerToolRole', 'Arn'] });
    expect(variables.MCP_GROUP_ROLE_PATH).toBe('/secure-mcp/prod/');
    expect(variables.MCP_GROUP_ROLES).toBe('');
    expect(variables.ALARM_NAME_PREFIX).toBe('secure-mcp-prod-');
    // The path the function checks mapped roles against is the one McpRole may assume from.
    const assumable = grantedPairs(roleOf(template, 'McpRole')).filter((pair) => pair.action === 'sts:AssumeRole').map((pair) => pair.resource);
    expect(assumable).toContain(`arn:aws:iam::${ACCOUNT}:role${variables.MCP_GROUP_ROLE_PATH}*`);
  });

  it('accepts exactly the session tag keys lib/aws sends', () => {
    const tagSession = roleOf(template, 'CallerToolRole').trust.Statement.find((statement) => statement.Action === 'sts:TagSession')!;
    expect(tagSession.Condition!['ForAllValues:StringEquals']!['aws:TagKeys']).toEqual([...SESSION_TAG_KEYS]);
  });

  it('gives the MCP function no access of its own to the notes table', async () => {
    expect(await mcpNotesProblems(template)).toEqual([]);
  });

  it("limits cloudwatch_alarms' DescribeAlarms to the stack's alarm name prefix, in its region", async () => {
    expect(await alarmProblems(template)).toEqual([]);
  });

  it("lets the README's group role trust policy admit only the group's members through operator clients", async () => {
    expect(await groupRoleProblems(template, readmeGroupRoleTrust(roleOf(template, 'McpRole').roleArn))).toEqual([]);
  });

  it('gives every role the actions its code calls, on its own resources, and nothing beyond', async () => {
    expect(await leastPrivilegeProblems(template)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The checks can fail: each mutant flips one condition or widens one permission, in a copy.
// ---------------------------------------------------------------------------------------------
type Mutable = { Resources: Record<string, { Properties: any }> };
const mutant = (change: (copy: Mutable) => void): CfnTemplate => {
  const copy = structuredClone(template) as unknown as Mutable;
  change(copy);
  return copy as unknown as CfnTemplate;
};
const trustStatement = (copy: Mutable, action: string) =>
  copy.Resources.CallerToolRole!.Properties.AssumeRolePolicyDocument.Statement.find((statement: any) => statement.Action === action);
const notesStatement = (copy: Mutable) => copy.Resources.CallerToolRole!.Properties.Policies[0].PolicyDocument.Statement[0];

describe('the checks can fail', () => {
  it('finds the notes table given back to McpRole', async () => {
    const widened = mutant((copy) =>
      copy.Resources.McpRole!.Properties.Policies[1].PolicyDocument.Statement.push({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: { 'Fn::GetAtt': ['NotesTable', 'Arn'] },
      }),
    );
    expect((await mcpNotesProblems(widened)).join('\n')).toMatch(/McpRole: dynamodb:GetItem on the notes table is Allowed/);
  });

  it('finds DescribeAlarms widened to every alarm', async () => {
    const widened = mutant((copy) => {
      const statement = copy.Resources.CallerToolRole!.Properties.Policies[1].PolicyDocument.Statement[0];
      statement.Resource = { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'cloudwatch', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'alarm', '*']] };
    });
    expect((await alarmProblems(widened)).join('\n')).toMatch(/another-team-cpu-high: Allowed/);
  });

  it.each<[string, (trust: any) => void, RegExp]>([
    ['no group test', (trust) => trust.Statement.forEach((statement: any) => delete statement.Condition?.StringLike), /a caller not in ops: sts:AssumeRole is Allowed/],
    ['the group tested without its separators', (trust) => trust.Statement.forEach((statement: any) => statement.Condition?.StringLike && (statement.Condition.StringLike['aws:RequestTag/groups'] = '*ops*')), /a caller in ops-lead: sts:AssumeRole is Allowed/],
    ['the MCP role not named (the account alone trusted)', (trust) => trust.Statement.forEach((statement: any) => delete statement.Condition?.ArnEquals), /another role of the stack: sts:AssumeRole is Allowed/],
    ['dynamic clients admitted', (trust) => trust.Statement.forEach((statement: any) => delete statement.Condition?.StringEquals?.['aws:RequestTag/client_source']), /dynamic client: sts:AssumeRole is Allowed/],
  ])('group role trust: %s', async (_label, change, problem) => {
    const trust = readmeGroupRoleTrust(roleOf(template, 'McpRole').roleArn);
    change(trust);
    expect((await groupRoleProblems(template, trust)).join('\n')).toMatch(problem);
  });

  it.each<[string, (copy: Mutable) => void, RegExp]>([
    [
      'LeadingKeys compared with ForAnyValue instead of ForAllValues',
      (copy) => {
        const condition = notesStatement(copy).Condition;
        condition['ForAnyValue:StringEquals'] = condition['ForAllValues:StringEquals'];
        delete condition['ForAllValues:StringEquals'];
      },
      /A's and B's partitions/,
    ],
    ['no Null test on LeadingKeys', (copy) => delete notesStatement(copy).Condition.Null, /naming no partition key/],
    [
      'LeadingKeys compared with StringLike *',
      (copy) => {
        const condition = notesStatement(copy).Condition;
        condition['ForAllValues:StringLike'] = { 'dynamodb:LeadingKeys': ['*'] };
        delete condition['ForAllValues:StringEquals'];
      },
      /A's session on B's partition/,
    ],
    ['no condition at all', (copy) => delete notesStatement(copy).Condition, /B's partition/],
  ])('isolation: %s', async (_label, change, problem) => {
    expect((await isolationProblems(mutant(change))).join('\n')).toMatch(problem);
  });

  it.each<[string, (copy: Mutable) => void, RegExp]>([
    ['the account trusted without the role ARN condition', (copy) => delete trustStatement(copy, 'sts:AssumeRole').Condition.ArnEquals, /arn:aws:iam::123456789012:user\/someone: sts:AssumeRole is Allowed/],
    ['McpRole trusted as a principal', (copy) => (trustStatement(copy, 'sts:AssumeRole').Principal = { AWS: { 'Fn::GetAtt': ['McpRole', 'Arn'] } }), /McpFunctionForOneCaller: trusts .*role\/secure-mcp-prod-eu-west-1-mcp.*, not the account/],
    ['another tag key accepted', (copy) => trustStatement(copy, 'sts:TagSession').Condition['ForAllValues:StringEquals']['aws:TagKeys'].push('role'), /another tag key: sts:TagSession/],
    ['tag keys not restricted', (copy) => delete trustStatement(copy, 'sts:TagSession').Condition['ForAllValues:StringEquals'], /another tag key/],
    ['SourceIdentity not required', (copy) => delete trustStatement(copy, 'sts:AssumeRole').Condition.Null['sts:SourceIdentity'], /no SourceIdentity: sts:AssumeRole/],
    ['transitive tags allowed', (copy) => delete trustStatement(copy, 'sts:TagSession').Condition.Null['sts:TransitiveTagKeys'], /transitive tag keys/],
    ['the principal tag not required', (copy) => delete trustStatement(copy, 'sts:AssumeRole').Condition.Null['aws:RequestTag/principal'], /no principal tag: sts:AssumeRole/],
  ])('trust: %s', async (_label, change, problem) => {
    expect((await trustProblems(mutant(change))).join('\n')).toMatch(problem);
  });

  it.each<[string, (copy: Mutable) => void, RegExp]>([
    ['a wildcard action', (copy) => (copy.Resources.HealthRole!.Properties.Policies[0].PolicyDocument.Statement[0].Action = ['logs:*']), /HealthRole .*wildcard action logs:\*/],
    ['a "*" resource', (copy) => (copy.Resources.HealthRole!.Properties.Policies[0].PolicyDocument.Statement[0].Resource = '*'), /HealthRole .*logs:CreateLogStream on "\*"/],
    ['an action the code does not call', (copy) => copy.Resources.McpRole!.Properties.Policies[1].PolicyDocument.Statement[0].Action.push('dynamodb:Scan'), /McpRole holds dynamodb:Scan/],
    ['an action missing', (copy) => copy.Resources.McpRole!.Properties.Policies[1].PolicyDocument.Statement[1].Action.pop(), /McpRole lacks dynamodb:PutItem/],
    ['another role assumable', (copy) => (copy.Resources.McpRoleCallerToolPolicy!.Properties.PolicyDocument.Statement[0].Resource = `arn:aws:iam::${ACCOUNT}:role/*`), /McpRole holds sts:AssumeRole on arn:aws:iam::123456789012:role\/\*/],
    ['a role left out of the table', (copy) => (copy.Resources.ExtraRole = structuredClone(copy.Resources.HealthRole!)), /roles missing from the table: ExtraRole/],
    ['any role of the account assumable', (copy) => (copy.Resources.McpRoleCallerToolPolicy!.Properties.PolicyDocument.Statement[1].Resource = `arn:aws:iam::${ACCOUNT}:role/*`), /McpRole holds sts:AssumeRole on arn:aws:iam::123456789012:role\/\*/],
  ])('least privilege: %s', async (_label, change, problem) => {
    expect((await leastPrivilegeProblems(mutant(change))).join('\n')).toMatch(problem);
  });
});
