import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type CfnTemplate, type RenderContext, intrinsicOf, renderings } from './cloudformation.js';
import { PLACEHOLDER_ACCOUNT_ID, placeholderContext } from './placeholders.js';

/**
 * The IAM policies of a packaged template as IAM would hold them once deployed (every intrinsic
 * rendered, with ARNs in the shape each service gives them), and a way to ask an IAM policy
 * simulator (@cloud-copilot/iam-simulate, which evaluates conditions, policy variables, trust
 * policies and same-account trust) what they allow.
 */

export const ACCOUNT = PLACEHOLDER_ACCOUNT_ID;
export type PolicyDocument = { Version: string; Statement: Statement[] };
export type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
};

/** Real ARN shapes for the resource types the roles refer to; the shared placeholders otherwise. */
export function arnContext(template: CfnTemplate, options: { region: string; stackName: string }): RenderContext {
  const base = placeholderContext(template, options);
  const { region, stackName } = options;
  return {
    condition: base.condition,
    ref(name) {
      const resource = template.Resources[name];
      // A role's name: the one the template gives it, or the stack's generated one.
      if (resource?.Type === 'AWS::IAM::Role') return renderings(resource.Properties?.RoleName, this)?.[0] ?? `${stackName}-${name}-ABCDEF123456`;
      // A secret's Ref is its ARN: its name and six random characters.
      if (resource?.Type === 'AWS::SecretsManager::Secret') {
        return `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${renderings(resource.Properties?.Name, this)?.[0] ?? name}-AbCdEf`;
      }
      return base.ref(name);
    },
    getAtt(id, attribute) {
      const resource = template.Resources[id];
      if (!resource || attribute !== 'Arn') return base.getAtt(id, attribute);
      const name = this.ref(id);
      switch (resource.Type) {
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${ACCOUNT}:role/${name}`;
        case 'AWS::DynamoDB::Table':
          return `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
        case 'AWS::Logs::LogGroup':
          // A log group's Arn attribute ends in `:*` (it covers the group's streams).
          return `arn:aws:logs:${region}:${ACCOUNT}:log-group:${renderings(resource.Properties?.LogGroupName, this)?.[0] ?? name}:*`;
        case 'AWS::Cognito::UserPool':
          return `arn:aws:cognito-idp:${region}:${ACCOUNT}:userpool/${name}`;
        default:
          return base.getAtt(id, attribute);
      }
    },
  };
}

/** A value with every intrinsic rendered; throws when one has no single rendering. */
export function rendered<T>(value: T, context: RenderContext): T {
  if (Array.isArray(value)) return value.map((item) => rendered(item, context)) as T;
  if (!value || typeof value !== 'object') return value;
  if (intrinsicOf(value)) {
    const options = renderings(value, context);
    if (options?.length !== 1) throw new Error(`cannot render ${JSON.stringify(value)}`);
    return options[0] as T;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rendered(item, context)])) as T;
}

export interface RolePolicies {
  roleId: string;
  roleArn: string;
  /** A session of the role, as a request made with its credentials names its principal. */
  sessionArn: string;
  trust: PolicyDocument;
  /** Inline policies and AWS::IAM::RolePolicy / AWS::IAM::Policy resources attached to the role. */
  policies: Array<{ name: string; document: PolicyDocument }>;
}

const refersTo = (value: unknown, roleId: string) => JSON.stringify(value) === JSON.stringify({ Ref: roleId });

export function rolePolicies(template: CfnTemplate, context: RenderContext, roleId: string): RolePolicies {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
  const properties = role.Properties as { AssumeRolePolicyDocument: unknown; Policies?: Array<{ PolicyName: string; PolicyDocument: unknown }> };
  const policies = (properties.Policies ?? []).map((policy) => ({ name: policy.PolicyName, document: rendered(policy.PolicyDocument, context) as PolicyDocument }));
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties as { RoleName?: unknown; Roles?: unknown[]; PolicyName: string; PolicyDocument: unknown } | undefined;
    const attached =
      (resource.Type === 'AWS::IAM::RolePolicy' && refersTo(props?.RoleName, roleId)) ||
      (resource.Type === 'AWS::IAM::Policy' && (props?.Roles ?? []).some((entry) => refersTo(entry, roleId)));
    if (attached) policies.push({ name: `${id}/${props!.PolicyName}`, document: rendered(props!.PolicyDocument, context) as PolicyDocument });
  }
  const roleArn = context.getAtt(roleId, 'Arn')!;
  const roleName = roleArn.slice(roleArn.indexOf('/') + 1);
  return {
    roleId,
    roleArn,
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session`,
    trust: rendered(properties.AssumeRolePolicyDocument, context) as PolicyDocument,
    policies,
  };
}

export const roleIds = (template: CfnTemplate) =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([id]) => id)
    .sort();

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface SimulatedRequest {
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  identityPolicies: Array<{ name: string; document: PolicyDocument }>;
  resourcePolicy?: PolicyDocument;
}

/**
 * The global key aws:PrincipalArn IAM puts in every request's context (the simulator leaves it to
 * the caller): for a role session, the role's ARN (not the session's); for any other principal, its ARN.
 */
export function principalArnOf(principal: string): string {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  return session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : principal;
}

/** What IAM decides for one request, by the simulator; throws on a simulation error (a bad policy or ARN). */
export async function decide(request: SimulatedRequest): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalArn': principalArnOf(request.principal), ...request.context },
      },
      identityPolicies: request.identityPolicies.map((policy) => ({ name: policy.name, policy: policy.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation of ${request.action} failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** Every (action, resource) pair a role's policies name, rendered. */
export function grantedPairs(role: RolePolicies): Array<{ action: string; resource: string; policy: string; statement: Statement }> {
  return role.policies.flatMap((policy) =>
    policy.document.Statement.flatMap((statement) =>
      [statement.Action ?? []].flat().flatMap((action) => [statement.Resource ?? []].flat().map((resource) => ({ action, resource, policy: policy.name, statement }))),
    ),
  );
}
