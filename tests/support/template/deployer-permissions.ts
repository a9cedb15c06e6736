import type { CfnTemplate } from './cloudformation.js';

/**
 * What the credentials that run `serverless deploy` / `serverless remove` must be allowed, derived
 * from the resource types of the packaged template: without a CloudFormation service role,
 * CloudFormation creates, updates and deletes every resource with the caller's permissions. The
 * README's deploy section shows `deployerPermissionsTable(...)` of the real template, and a test
 * compares the two, so the list cannot drift from the template.
 *
 * Grants are per service and scoped to the names this stack gives its resources (the stack name
 * `secure-mcp-{stage}` prefixes every generated name); exact per-handler action lists are not
 * offered because the registry data at hand (@aws-cdk/aws-service-spec) does not carry them.
 */
interface Grant {
  service: string;
  actions: string;
  resources: string;
  purpose: string;
}

const ARN = (service: string, rest: string) => `arn:aws:${service}:{region}:{account}:${rest}`;

const GRANTS = {
  cloudFormation: {
    service: 'CloudFormation',
    actions: '`cloudformation:*`',
    resources: `\`${ARN('cloudformation', 'stack/secure-mcp-{stage}/*')}\``,
    purpose: 'the stack: create, update, events, delete, and the import change set after a remove',
  },
  validateTemplate: {
    service: 'CloudFormation',
    actions: '`cloudformation:ValidateTemplate`',
    resources: '`*`',
    purpose: '`serverless deploy` validates the template first (no resource-level permission exists)',
  },
  s3: {
    service: 'S3',
    actions: '`s3:*`',
    resources: '`arn:aws:s3:::secure-mcp-{stage}-serverlessdeploymentbucket-*`, the same with `/*`',
    purpose: 'the deployment bucket (created by the stack, with its TLS-only policy) and the packages uploaded to it',
  },
  lambda: {
    service: 'Lambda',
    actions: '`lambda:*`',
    resources: `\`${ARN('lambda', 'function:secure-mcp-{stage}-*')}\``,
    purpose: 'the functions, their versions, and the permissions that let API Gateway and EventBridge invoke them',
  },
  iam: {
    service: 'IAM',
    actions: '`iam:*Role*` (includes `iam:PassRole`, which Lambda needs to take a role)',
    resources: '`arn:aws:iam::{account}:role/secure-mcp-{stage}-*`',
    purpose: "one role per function, the tool role assumed for each caller, and API Gateway's CloudWatch role, with inline policies and one role policy",
  },
  logs: {
    service: 'CloudWatch Logs',
    actions: '`logs:*`',
    resources: `\`${ARN('logs', 'log-group:/aws/lambda/secure-mcp-{stage}-*')}\`, \`${ARN('logs', 'log-group:/aws/api-gateway/secure-mcp-{stage}-*')}\``,
    purpose: "the functions' log groups and the API's access log group (30-day retention)",
  },
  describeLogGroups: {
    service: 'CloudWatch Logs',
    actions: '`logs:DescribeLogGroups`',
    resources: `\`${ARN('logs', 'log-group:*')}\``,
    purpose: 'reading a log group back',
  },
  events: {
    service: 'EventBridge',
    actions: '`events:*`',
    resources: `\`${ARN('events', 'rule/secure-mcp-{stage}-*')}\``,
    purpose: 'the hourly schedule of the dynamic-client clean-up',
  },
  apiGateway: {
    service: 'API Gateway',
    actions: '`apigateway:GET`, `apigateway:POST`, `apigateway:PUT`, `apigateway:PATCH`, `apigateway:DELETE`, `apigateway:UpdateRestApiPolicy`',
    resources: '`arn:aws:apigateway:{region}::/restapis`, `arn:aws:apigateway:{region}::/restapis/*`',
    purpose: 'the REST API: resources, methods, authorizer, gateway responses, deployment, stage (throttling, tracing)',
  },
  apiGatewayAccount: {
    service: 'API Gateway',
    actions: '`apigateway:GET`, `apigateway:PATCH`',
    resources: '`arn:aws:apigateway:{region}::/account`',
    purpose: "the region's CloudWatch role for access logs (`apiGatewayCloudWatchRole=create`, the default)",
  },
  apiGatewayDomain: {
    service: 'API Gateway',
    actions: '`apigateway:GET`, `apigateway:POST`, `apigateway:PATCH`, `apigateway:DELETE`',
    resources: '`arn:aws:apigateway:{region}::/domainnames`, `arn:aws:apigateway:{region}::/domainnames/*`',
    purpose: 'the custom domain and its mapping at the root (only with `customDomain`)',
  },
  apiGatewayServiceLinkedRole: {
    service: 'IAM',
    actions: '`iam:CreateServiceLinkedRole`',
    resources: '`arn:aws:iam::{account}:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway`',
    purpose: "the role API Gateway creates, once per account, to attach a domain's ACM certificate (only with `customDomain`)",
  },
  route53: {
    service: 'Route 53',
    actions: '`route53:ChangeResourceRecordSets`, `route53:ListResourceRecordSets`, `route53:GetHostedZone`, `route53:GetChange`',
    resources: '`arn:aws:route53:::hostedzone/{customDomainHostedZoneId}`, `arn:aws:route53:::change/*`',
    purpose: "the custom domain's alias record (only with `customDomainHostedZoneId`)",
  },
  cognitoCreate: {
    service: 'Cognito',
    actions: '`cognito-idp:CreateUserPool`, `cognito-idp:ListUserPools`, `cognito-idp:DescribeUserPoolDomain`',
    resources: '`*`',
    purpose: 'creating the user pool (its ARN does not exist before) and looking up its domain',
  },
  cognito: {
    service: 'Cognito',
    actions: '`cognito-idp:*`',
    resources: `\`${ARN('cognito-idp', 'userpool/*')}\``,
    purpose: 'the user pool, its domain, the resource server, the `mcp-admins` group and the connected-apps page\'s app client',
  },
  dynamodb: {
    service: 'DynamoDB',
    actions: '`dynamodb:*`',
    resources: `\`${ARN('dynamodb', 'table/secure-mcp-{stage}-*')}\``,
    purpose: 'the tables (TTL, point-in-time recovery, deletion protection, the index)',
  },
  sns: {
    service: 'SNS',
    actions: '`sns:*`',
    resources: `\`${ARN('sns', 'secure-mcp-{stage}-alarms*')}\``,
    purpose: 'the alarm topic and its e-mail subscription',
  },
  secretsManager: {
    service: 'Secrets Manager',
    actions: '`secretsmanager:*`',
    resources: `\`${ARN('secretsmanager', 'secret:secure-mcp-{stage}-oauth-key-*')}\`, \`${ARN('secretsmanager', 'secret:secure-mcp-{stage}-mcp-request-state-*')}\``,
    purpose: "the authorization facade's sealing key and the MCP function's input-required key (generated by CloudFormation, never seen by the deployer)",
  },
  secretsManagerRandom: {
    service: 'Secrets Manager',
    actions: '`secretsmanager:GetRandomPassword`',
    resources: '`*`',
    purpose: 'generating those keys (`GenerateSecretString`; no resource-level permission exists)',
  },
  cloudWatch: {
    service: 'CloudWatch',
    actions: '`cloudwatch:PutMetricAlarm`, `cloudwatch:DeleteAlarms`, `cloudwatch:DescribeAlarms`, `cloudwatch:TagResource`, `cloudwatch:UntagResource`, `cloudwatch:ListTagsForResource`',
    resources: `\`${ARN('cloudwatch', 'alarm:secure-mcp-{stage}-*')}\``,
    purpose: 'the two alarms',
  },
  dashboard: {
    service: 'CloudWatch',
    actions: '`cloudwatch:PutDashboard`, `cloudwatch:GetDashboard`, `cloudwatch:DeleteDashboards`',
    resources: '`arn:aws:cloudwatch::{account}:dashboard/secure-mcp-{stage}`',
    purpose: "the stage's dashboard",
  },
} satisfies Record<string, Grant>;

type GrantId = keyof typeof GRANTS;

/** Grants every deploy needs, whatever the template holds (the framework's own calls). */
const ALWAYS: GrantId[] = ['cloudFormation', 'validateTemplate'];

/** The grants each resource type needs. A type missing here fails the test. */
export const GRANTS_BY_RESOURCE_TYPE: Record<string, GrantId[]> = {
  'AWS::S3::Bucket': ['s3'],
  'AWS::S3::BucketPolicy': ['s3'],
  'AWS::Logs::LogGroup': ['logs', 'describeLogGroups'],
  'AWS::Lambda::Function': ['lambda', 'iam'],
  'AWS::Lambda::Version': ['lambda'],
  'AWS::Lambda::Permission': ['lambda'],
  'AWS::Events::Rule': ['events'],
  'AWS::ApiGateway::RestApi': ['apiGateway'],
  'AWS::ApiGateway::Resource': ['apiGateway'],
  'AWS::ApiGateway::Method': ['apiGateway'],
  'AWS::ApiGateway::Authorizer': ['apiGateway'],
  'AWS::ApiGateway::Deployment': ['apiGateway'],
  'AWS::ApiGateway::Stage': ['apiGateway'],
  'AWS::ApiGateway::GatewayResponse': ['apiGateway'],
  'AWS::ApiGateway::Account': ['apiGatewayAccount'],
  'AWS::ApiGateway::DomainName': ['apiGatewayDomain', 'apiGatewayServiceLinkedRole'],
  'AWS::ApiGateway::BasePathMapping': ['apiGatewayDomain'],
  'AWS::Route53::RecordSet': ['route53'],
  'AWS::CloudWatch::Dashboard': ['dashboard'],
  'AWS::Cognito::UserPool': ['cognitoCreate', 'cognito'],
  'AWS::Cognito::UserPoolDomain': ['cognitoCreate', 'cognito'],
  'AWS::Cognito::UserPoolResourceServer': ['cognito'],
  'AWS::Cognito::UserPoolGroup': ['cognito'],
  'AWS::Cognito::UserPoolClient': ['cognito'],
  'AWS::DynamoDB::Table': ['dynamodb'],
  'AWS::IAM::Role': ['iam'],
  'AWS::IAM::RolePolicy': ['iam'],
  'AWS::CloudWatch::Alarm': ['cloudWatch'],
  'AWS::SNS::Topic': ['sns'],
  'AWS::SNS::Subscription': ['sns'],
  'AWS::SecretsManager::Secret': ['secretsManager', 'secretsManagerRandom'],
};

export function unmappedResourceTypes(template: CfnTemplate): string[] {
  return [...new Set(Object.values(template.Resources).map((resource) => resource.Type))].filter((type) => !GRANTS_BY_RESOURCE_TYPE[type]).sort();
}

/** The README's table of deployer permissions for a template (grants in a fixed order). */
export function deployerPermissionsTable(template: CfnTemplate): string {
  const needed = new Set<GrantId>(ALWAYS);
  for (const resource of Object.values(template.Resources)) for (const id of GRANTS_BY_RESOURCE_TYPE[resource.Type] ?? []) needed.add(id);
  const rows = (Object.keys(GRANTS) as GrantId[]).filter((id) => needed.has(id)).map((id) => GRANTS[id] as Grant);
  return [
    '| Service | Actions | Resources | For |',
    '|---|---|---|---|',
    ...rows.map((grant) => `| ${grant.service} | ${grant.actions} | ${grant.resources} | ${grant.purpose} |`),
  ].join('\n');
}
