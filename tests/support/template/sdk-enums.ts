import * as apiGateway from '@aws-sdk/client-api-gateway';
import * as cloudWatch from '@aws-sdk/client-cloudwatch';
import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as lambda from '@aws-sdk/client-lambda';
import type { CfnTemplate } from './cloudformation.js';
import { type Registry, leaves } from './registry.js';

/**
 * The values an enum-valued property may take. The CloudFormation registry types most of these
 * as a bare "string" (so `DeletionProtection: true` passes every schema check and then fails
 * CreateUserPool); the service APIs define them as enums, which the AWS SDK v3 packages export.
 * Where the service API itself has no enum (the value is documented in prose only), the list is the
 * documented one, and its source says so.
 *
 * Paths: `{resource type}.{property}`, nested properties joined with `.`, list items as `[]`.
 */
export interface EnumRule {
  values: readonly (string | number)[];
  source: string;
}

const sdk = (values: Record<string, string>, name: string): EnumRule => ({ values: Object.values(values), source: name });
const documented = (values: readonly (string | number)[], where: string): EnumRule => ({ values, source: `documented: ${where}` });

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
/** CloudFormation's EnabledMfas values, each an MFA challenge of Cognito's ChallengeNameType. */
const ENABLED_MFAS = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'].filter((value) => (Object.values(cognito.ChallengeNameType) as string[]).includes(value));

export const ENUM_RULES: Record<string, EnumRule> = {
  'AWS::Cognito::UserPool.DeletionProtection': sdk(cognito.DeletionProtectionType, 'cognito-identity-provider DeletionProtectionType'),
  'AWS::Cognito::UserPool.MfaConfiguration': sdk(cognito.UserPoolMfaType, 'cognito-identity-provider UserPoolMfaType'),
  'AWS::Cognito::UserPool.EnabledMfas[]': documented(ENABLED_MFAS, 'AWS::Cognito::UserPool EnabledMfas (each a cognito-identity-provider ChallengeNameType)'),
  'AWS::Cognito::UserPool.UsernameAttributes[]': sdk(cognito.UsernameAttributeType, 'cognito-identity-provider UsernameAttributeType'),
  'AWS::Cognito::UserPool.AliasAttributes[]': sdk(cognito.AliasAttributeType, 'cognito-identity-provider AliasAttributeType'),
  'AWS::Cognito::UserPool.AutoVerifiedAttributes[]': sdk(cognito.VerifiedAttributeType, 'cognito-identity-provider VerifiedAttributeType'),
  'AWS::Cognito::UserPool.AccountRecoverySetting.RecoveryMechanisms[].Name': sdk(cognito.RecoveryOptionNameType, 'cognito-identity-provider RecoveryOptionNameType'),
  'AWS::Cognito::UserPool.UserPoolAddOns.AdvancedSecurityMode': sdk(cognito.AdvancedSecurityModeType, 'cognito-identity-provider AdvancedSecurityModeType'),
  'AWS::Cognito::UserPool.EmailConfiguration.EmailSendingAccount': sdk(cognito.EmailSendingAccountType, 'cognito-identity-provider EmailSendingAccountType'),
  'AWS::Cognito::UserPool.VerificationMessageTemplate.DefaultEmailOption': sdk(cognito.DefaultEmailOptionType, 'cognito-identity-provider DefaultEmailOptionType'),
  // Version 1 is the classic hosted UI, 2 managed login (UserPoolDomain, ManagedLoginVersion).
  'AWS::Cognito::UserPool.Schema[].AttributeDataType': sdk(cognito.AttributeDataType, 'cognito-identity-provider AttributeDataType'),
  'AWS::Cognito::UserPool.LambdaConfig.PreTokenGenerationConfig.LambdaVersion': sdk(cognito.PreTokenGenerationLambdaVersionType, 'cognito-identity-provider PreTokenGenerationLambdaVersionType'),
  'AWS::Cognito::UserPoolIdentityProvider.ProviderType': sdk(cognito.IdentityProviderTypeType, 'cognito-identity-provider IdentityProviderTypeType'),
  'AWS::Cognito::UserPoolDomain.ManagedLoginVersion': documented([1, 2], 'Cognito CreateUserPoolDomain ManagedLoginVersion'),
  'AWS::Cognito::UserPoolClient.ExplicitAuthFlows[]': sdk(cognito.ExplicitAuthFlowsType, 'cognito-identity-provider ExplicitAuthFlowsType'),
  'AWS::Cognito::UserPoolClient.AllowedOAuthFlows[]': sdk(cognito.OAuthFlowType, 'cognito-identity-provider OAuthFlowType'),
  'AWS::Cognito::UserPoolClient.PreventUserExistenceErrors': sdk(cognito.PreventUserExistenceErrorTypes, 'cognito-identity-provider PreventUserExistenceErrorTypes'),
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.AccessToken': sdk(cognito.TimeUnitsType, 'cognito-identity-provider TimeUnitsType'),
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.IdToken': sdk(cognito.TimeUnitsType, 'cognito-identity-provider TimeUnitsType'),
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.RefreshToken': sdk(cognito.TimeUnitsType, 'cognito-identity-provider TimeUnitsType'),

  'AWS::DynamoDB::Table.BillingMode': sdk(dynamodb.BillingMode, 'dynamodb BillingMode'),
  'AWS::DynamoDB::Table.TableClass': sdk(dynamodb.TableClass, 'dynamodb TableClass'),
  'AWS::DynamoDB::Table.AttributeDefinitions[].AttributeType': sdk(dynamodb.ScalarAttributeType, 'dynamodb ScalarAttributeType'),
  'AWS::DynamoDB::Table.KeySchema[].KeyType': sdk(dynamodb.KeyType, 'dynamodb KeyType'),
  'AWS::DynamoDB::Table.GlobalSecondaryIndexes[].KeySchema[].KeyType': sdk(dynamodb.KeyType, 'dynamodb KeyType'),
  'AWS::DynamoDB::Table.GlobalSecondaryIndexes[].Projection.ProjectionType': sdk(dynamodb.ProjectionType, 'dynamodb ProjectionType'),
  'AWS::DynamoDB::Table.LocalSecondaryIndexes[].KeySchema[].KeyType': sdk(dynamodb.KeyType, 'dynamodb KeyType'),
  'AWS::DynamoDB::Table.LocalSecondaryIndexes[].Projection.ProjectionType': sdk(dynamodb.ProjectionType, 'dynamodb ProjectionType'),
  'AWS::DynamoDB::Table.StreamSpecification.StreamViewType': sdk(dynamodb.StreamViewType, 'dynamodb StreamViewType'),
  'AWS::DynamoDB::Table.SSESpecification.SSEType': sdk(dynamodb.SSEType, 'dynamodb SSEType'),

  'AWS::Lambda::Function.Runtime': sdk(lambda.Runtime, 'lambda Runtime'),
  'AWS::Lambda::Function.Architectures[]': sdk(lambda.Architecture, 'lambda Architecture'),
  'AWS::Lambda::Function.TracingConfig.Mode': sdk(lambda.TracingMode, 'lambda TracingMode'),
  'AWS::Lambda::Function.LoggingConfig.LogFormat': sdk(lambda.LogFormat, 'lambda LogFormat'),
  'AWS::Lambda::Function.LoggingConfig.ApplicationLogLevel': sdk(lambda.ApplicationLogLevel, 'lambda ApplicationLogLevel'),
  'AWS::Lambda::Function.LoggingConfig.SystemLogLevel': sdk(lambda.SystemLogLevel, 'lambda SystemLogLevel'),
  'AWS::Lambda::Permission.FunctionUrlAuthType': sdk(lambda.FunctionUrlAuthType, 'lambda FunctionUrlAuthType'),

  'AWS::ApiGateway::Authorizer.Type': sdk(apiGateway.AuthorizerType, 'api-gateway AuthorizerType'),
  'AWS::ApiGateway::DomainName.SecurityPolicy': sdk(apiGateway.SecurityPolicy, 'api-gateway SecurityPolicy'),
  'AWS::ApiGateway::DomainName.EndpointConfiguration.Types[]': sdk(apiGateway.EndpointType, 'api-gateway EndpointType'),
  'AWS::ApiGateway::Method.AuthorizationType': documented(['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'], 'API Gateway PutMethod authorizationType'),
  'AWS::ApiGateway::Method.HttpMethod': documented(HTTP_METHODS, 'API Gateway PutMethod httpMethod'),
  'AWS::ApiGateway::Method.Integration.Type': sdk(apiGateway.IntegrationType, 'api-gateway IntegrationType'),
  'AWS::ApiGateway::Method.Integration.IntegrationHttpMethod': documented(HTTP_METHODS, 'API Gateway PutIntegration integrationHttpMethod'),
  'AWS::ApiGateway::Method.Integration.ConnectionType': sdk(apiGateway.ConnectionType, 'api-gateway ConnectionType'),
  'AWS::ApiGateway::Method.Integration.ContentHandling': sdk(apiGateway.ContentHandlingStrategy, 'api-gateway ContentHandlingStrategy'),
  'AWS::ApiGateway::Method.Integration.PassthroughBehavior': documented(['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'], 'API Gateway PutIntegration passthroughBehavior'),
  'AWS::ApiGateway::Method.Integration.ResponseTransferMode': sdk(apiGateway.ResponseTransferMode, 'api-gateway ResponseTransferMode'),
  'AWS::ApiGateway::GatewayResponse.ResponseType': sdk(apiGateway.GatewayResponseType, 'api-gateway GatewayResponseType'),
  'AWS::ApiGateway::RestApi.EndpointConfiguration.Types[]': sdk(apiGateway.EndpointType, 'api-gateway EndpointType'),
  'AWS::ApiGateway::RestApi.ApiKeySourceType': sdk(apiGateway.ApiKeySourceType, 'api-gateway ApiKeySourceType'),
  'AWS::ApiGateway::Stage.MethodSettings[].HttpMethod': documented(['*', ...HTTP_METHODS], 'API Gateway MethodSetting httpMethod ("*" for all)'),
  'AWS::ApiGateway::Stage.MethodSettings[].LoggingLevel': documented(['OFF', 'ERROR', 'INFO'], 'API Gateway MethodSetting loggingLevel'),
  'AWS::ApiGateway::Stage.CacheClusterSize': sdk(apiGateway.CacheClusterSize, 'api-gateway CacheClusterSize'),

  'AWS::CloudWatch::Alarm.ComparisonOperator': sdk(cloudWatch.ComparisonOperator, 'cloudwatch ComparisonOperator'),
  'AWS::CloudWatch::Alarm.Statistic': sdk(cloudWatch.Statistic, 'cloudwatch Statistic'),
  'AWS::CloudWatch::Alarm.Unit': sdk(cloudWatch.StandardUnit, 'cloudwatch StandardUnit'),
  'AWS::CloudWatch::Alarm.TreatMissingData': documented(['breaching', 'notBreaching', 'ignore', 'missing'], 'CloudWatch PutMetricAlarm TreatMissingData'),

  'AWS::SNS::Subscription.Protocol': documented(
    ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'],
    'SNS Subscribe Protocol (the SNS API has no enum for it)',
  ),
};

/**
 * Properties AWS defines as enums that have no rule above because the template sets none of
 * them; setting one makes the test ask for its rule. (Properties whose registry type already lists
 * allowedValues, such as AWS::Events::Rule State or AWS::Logs::LogGroup RetentionInDays, are checked
 * by the registry check instead.)
 */
export const KNOWN_ENUM_PROPERTIES = [
  ...Object.keys(ENUM_RULES),
  'AWS::Cognito::UserPool.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate[]',
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.AccessToken',
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.IdToken',
  'AWS::Cognito::UserPoolClient.TokenValidityUnits.RefreshToken',
  'AWS::Cognito::UserPoolRiskConfigurationAttachment.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction',
  'AWS::DynamoDB::Table.ContributorInsightsSpecification.Mode',
  'AWS::Lambda::Function.SnapStart.ApplyOn',
  'AWS::Lambda::Url.AuthType',
  'AWS::Lambda::Url.InvokeMode',
  'AWS::Lambda::EventSourceMapping.StartingPosition',
  'AWS::ApiGateway::Method.Integration.IntegrationResponses[].ContentHandling',
  'AWS::ApiGateway::DomainName.SecurityPolicy',
  'AWS::ApiGateway::DomainName.EndpointConfiguration.Types[]',
  'AWS::ApiGateway::UsagePlan.Quota.Period',
  'AWS::CloudWatch::Alarm.EvaluateLowSampleCountPercentile',
  'AWS::CloudWatch::Alarm.Metrics[].MetricStat.Unit',
];

/**
 * The SDK module of each service whose enums the detector below searches, so that a property of
 * one of these services that looks like an SDK enum (same name, or name + "Type", or the resource
 * name + the property name) cannot be set without a rule. Services without a pinned SDK package
 * (S3, SNS, Events, Logs, IAM) rely on the registry's allowedValues and the lists above.
 */
export const SDK_MODULES: Record<string, Record<string, unknown>> = {
  'AWS::Cognito': cognito,
  'AWS::DynamoDB': dynamodb,
  'AWS::Lambda': lambda,
  'AWS::ApiGateway': apiGateway,
  'AWS::CloudWatch': cloudWatch,
};

/** Detector matches that are not enums, each with the reason. */
export const NOT_ENUMS: Record<string, string> = {};

const isEnumObject = (value: unknown): value is Record<string, string> =>
  !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).length > 0 && Object.values(value).every((item) => typeof item === 'string');

/** SDK enums (exported name) a property path looks like, for the services in SDK_MODULES. */
export function sdkEnumsLike(path: string): string[] {
  const [type, property] = [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)];
  const service = type.split('::').slice(0, 2).join('::');
  const module = SDK_MODULES[service];
  if (!module) return [];
  const leaf = property.replaceAll('[]', '').split('.').at(-1)!;
  const resourceName = type.split('::')[2]!;
  const candidates = [leaf, `${leaf}Type`, `${resourceName}${leaf}`, `${resourceName}${leaf}Type`];
  return candidates.filter((name) => isEnumObject(module[name]));
}

export interface EnumLeaf {
  resourceId: string;
  path: string;
  value: unknown;
  /** Whether the registry already restricts the value (allowedValues), so no rule is needed. */
  registryRestricted: boolean;
  /** Whether the registry types it as a string or an integer (the types an enum can hide in). */
  scalar: boolean;
}

/** Every property value of the template, with what the registry says of its type. */
export function enumLeaves(registry: Registry, template: CfnTemplate): EnumLeaf[] {
  return leaves(registry, template).map((leaf) => ({
    ...leaf,
    registryRestricted: !!(leaf.type && 'allowedValues' in leaf.type && leaf.type.allowedValues),
    scalar: leaf.type?.type === 'string' || leaf.type?.type === 'integer',
  }));
}

/** Enum-valued properties the template sets without a rule to check them against. */
export function unmappedEnumProblems(leaves: EnumLeaf[]): string[] {
  const known = new Set(KNOWN_ENUM_PROPERTIES);
  const problems = new Set<string>();
  for (const leaf of leaves) {
    if (ENUM_RULES[leaf.path] || NOT_ENUMS[leaf.path] !== undefined || leaf.registryRestricted || !leaf.scalar) continue;
    const lookalikes = sdkEnumsLike(leaf.path);
    if (known.has(leaf.path)) problems.add(`${leaf.path}: an enum-valued property with no rule in ENUM_RULES`);
    else if (lookalikes.length > 0) problems.add(`${leaf.path}: looks like the SDK enum ${lookalikes.join(' / ')}; add a rule to ENUM_RULES (or NOT_ENUMS with the reason)`);
  }
  return [...problems];
}

/** Values outside their rule's enum; `render` gives a leaf's possible values (undefined: unknown). */
export function enumValueProblems(leaves: EnumLeaf[], render: (value: unknown) => (string | number)[] | undefined): string[] {
  const problems: string[] = [];
  for (const leaf of leaves) {
    const rule = ENUM_RULES[leaf.path];
    if (!rule) continue;
    const values = render(leaf.value);
    if (values === undefined) {
      problems.push(`${leaf.resourceId} ${leaf.path}: ${JSON.stringify(leaf.value)} cannot be resolved offline, so it cannot be checked against ${rule.source}`);
      continue;
    }
    for (const value of values) {
      if (!rule.values.includes(value)) problems.push(`${leaf.resourceId} ${leaf.path}: ${JSON.stringify(value)} is not one of ${rule.values.join(', ')} (${rule.source})`);
    }
  }
  return problems;
}
