import { readFileSync, rmSync } from 'node:fs';
import { DeletionProtectionType } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CfnTemplate, evaluateCondition, referencesIn, renderings } from '../support/template/cloudformation.js';
import { callbackUrlProblem, cognitoProblems, domainPrefixProblem } from '../support/template/cognito-rules.js';
import { danglingDependsOn, dependencyCycles, dependencyGraph } from '../support/template/dependency-cycles.js';
import { packageTemplate } from '../support/template/packaged-template.js';
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_REST_API_ID, placeholderContext } from '../support/template/placeholders.js';
import { type Registry, loadRegistry, referenceProblems, registryProblems } from '../support/template/registry.js';
import { type EnumLeaf, enumLeaves as templateEnumLeaves, enumValueProblems, unmappedEnumProblems } from '../support/template/sdk-enums.js';

/**
 * The template `serverless package` produces, checked offline against AWS's own definitions: the
 * CloudFormation registry (@aws-cdk/aws-service-spec), the service APIs' enums (AWS SDK v3), and
 * Cognito's documented patterns. The local stack cannot catch any of these: the emulators never see
 * the template. Both deploy failures of issue 8 (DeletionProtection: true, StageDescription on the
 * Deployment) fail here.
 */
const REGION = 'eu-west-1';
const STAGE = 'prod';
const STACK = `secure-mcp-${STAGE}`;

let dir: string;
let template: CfnTemplate;
let registry: Registry;
let render: (value: unknown) => string[] | undefined;

beforeAll(async () => {
  ({ dir, template } = packageTemplate({ stage: STAGE, region: REGION, prefix: 'mcp-registry-' }));
  registry = await loadRegistry();
  const context = placeholderContext(template, { region: REGION, stackName: STACK });
  render = (value) => renderings(value, context);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enumLeaves = (source: CfnTemplate): EnumLeaf[] => templateEnumLeaves(registry, source);
const renderEnum = (value: unknown) => (typeof value === 'number' ? [value] : render(value));
const ofType = (type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe('the packaged template against the CloudFormation registry', () => {
  it('uses registry types only, with known properties of the registry types and every required property', () => {
    expect(registryProblems(registry, template)).toEqual([]);
  });

  it('refers only to resources it defines, and only to attributes their types have (Ref, Fn::GetAtt, Fn::Sub)', () => {
    expect(referenceProblems(registry, template)).toEqual([]);
  });

  it('has no dependency cycle over Ref, Fn::GetAtt, Fn::Sub and DependsOn', () => {
    expect(danglingDependsOn(template)).toEqual([]);
    expect(dependencyCycles(dependencyGraph(template))).toEqual([]);
  });
});

describe('the packaged template against the service APIs enums (AWS SDK v3)', () => {
  it('sets every enum-valued property to a value of its enum', () => {
    const all = enumLeaves(template);
    expect(enumValueProblems(all, renderEnum)).toEqual([]);
    // Not vacuous: the properties issue 8 names are among those checked.
    const checked = new Set(all.map((leaf) => leaf.path));
    for (const path of [
      'AWS::Cognito::UserPool.DeletionProtection',
      'AWS::Cognito::UserPoolDomain.ManagedLoginVersion',
      'AWS::DynamoDB::Table.BillingMode',
      'AWS::DynamoDB::Table.KeySchema[].KeyType',
      'AWS::DynamoDB::Table.AttributeDefinitions[].AttributeType',
      'AWS::DynamoDB::Table.GlobalSecondaryIndexes[].Projection.ProjectionType',
      'AWS::Lambda::Function.Runtime',
      'AWS::Lambda::Function.Architectures[]',
      'AWS::CloudWatch::Alarm.ComparisonOperator',
      'AWS::CloudWatch::Alarm.Statistic',
      'AWS::CloudWatch::Alarm.TreatMissingData',
      'AWS::ApiGateway::Authorizer.Type',
      'AWS::ApiGateway::Method.AuthorizationType',
      'AWS::ApiGateway::Method.Integration.Type',
      'AWS::ApiGateway::GatewayResponse.ResponseType',
      'AWS::ApiGateway::RestApi.EndpointConfiguration.Types[]',
      'AWS::SNS::Subscription.Protocol',
    ]) {
      expect(checked, path).toContain(path);
    }
  });

  it('has a rule for every enum-valued property it sets', () => {
    expect(unmappedEnumProblems(enumLeaves(template))).toEqual([]);
  });

  it('maps the deletionProtection parameter (true/false) only to values Cognito accepts', () => {
    const service = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as { custom: { cognitoDeletionProtection: Record<string, string> } };
    const mapping = service.custom.cognitoDeletionProtection;
    expect(Object.keys(mapping).sort()).toEqual(['false', 'true']);
    expect(mapping).toEqual({ true: DeletionProtectionType.ACTIVE, false: DeletionProtectionType.INACTIVE });
    expect(template.Resources.CognitoUserPool!.Properties!.DeletionProtection).toBe(DeletionProtectionType.ACTIVE);
    // The tables keep their boolean.
    for (const [id, table] of ofType('AWS::DynamoDB::Table')) {
      if (table.Properties!.DeletionProtectionEnabled !== undefined) expect(table.Properties!.DeletionProtectionEnabled, id).toBe(true);
    }
  });

  it('pins the classic hosted UI (ManagedLoginVersion 1): managed login needs a branding style per app client, which DCR does not create', () => {
    expect(template.Resources.CognitoUserPoolDomain!.Properties!.ManagedLoginVersion).toBe(1);
  });
});

describe("the packaged template against Cognito's documented patterns", () => {
  it('sets a valid domain prefix, pool and group names, resource server identifier, scope names and callback URLs', () => {
    expect(cognitoProblems(template, render)).toEqual([]);
    // Checked on the rendered strings, placeholders standing in for the stack's ids.
    expect(render(template.Resources.CognitoUserPoolDomain!.Properties!.Domain)).toEqual([`mcp-${STAGE}-${PLACEHOLDER_ACCOUNT_ID}`]);
    expect(render(template.Resources.CognitoResourceServer!.Properties!.Identifier)).toEqual([
      `https://${PLACEHOLDER_REST_API_ID}.execute-api.${REGION}.amazonaws.com/${STAGE}/mcp`,
    ]);
  });
});

describe('the API Gateway stage', () => {
  it('carries no StageDescription on any Deployment: the settings live on a Stage resource the deployment is wired to', () => {
    const deployments = ofType('AWS::ApiGateway::Deployment');
    expect(deployments).toHaveLength(1);
    const [deploymentId, deployment] = deployments[0]!;
    expect(deployment.Properties).not.toHaveProperty('StageDescription');
    // The Stage resource owns the stage; a Deployment naming it as well would create it twice.
    expect(deployment.Properties).not.toHaveProperty('StageName');
    const stages = ofType('AWS::ApiGateway::Stage');
    expect(stages.map(([id]) => id)).toEqual(['ApiGatewayStage']);
    const stage = stages[0]![1].Properties!;
    expect(stage.DeploymentId).toEqual({ Ref: deploymentId });
    expect(stage.RestApiId).toEqual({ Ref: 'ApiGatewayRestApi' });
  });

  it('deploys the gateway responses with the first deployment: the Deployment waits for every one of them', () => {
    const graph = dependencyGraph(template);
    const [deploymentId] = ofType('AWS::ApiGateway::Deployment')[0]!;
    const reachable = new Set<string>();
    const visit = (id: string) => {
      for (const next of graph.get(id) ?? []) {
        if (reachable.has(next)) continue;
        reachable.add(next);
        visit(next);
      }
    };
    visit(deploymentId);
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([id]) => id);
    expect(responses).toHaveLength(5);
    expect(responses.filter((id) => !reachable.has(id))).toEqual([]);
    // The custom domain's mapping (resources/domain.yml) exists only with a domain, and then names
    // the stage resource, so it waits for the stage rather than the deployment.
    const mappings = ofType('AWS::ApiGateway::BasePathMapping');
    expect(mappings.map(([id, mapping]) => [id, mapping.Condition, mapping.Properties!.Stage])).toEqual([['CustomDomainBasePathMapping', 'HasCustomDomain', { Ref: 'ApiGatewayStage' }]]);
    expect(evaluateCondition(template, 'HasCustomDomain', placeholderContext(template, { region: REGION, stackName: `secure-mcp-${STAGE}` }))).toBe(false);
  });

  it('survives a second deploy as a plain Stage update: nothing that replaces the stage changes with the deployment', () => {
    // Every deploy brings a Deployment with a new logical id. The Stage then changes only in
    // properties the registry marks as updatable in place; a property that replaced the stage
    // would have CloudFormation create a second stage of the same name, which API Gateway refuses.
    const [deploymentId] = ofType('AWS::ApiGateway::Deployment')[0]!;
    const stage = template.Resources.ApiGatewayStage!.Properties!;
    const definition = registry.resource('AWS::ApiGateway::Stage')!;
    const replacing = Object.entries(definition.properties).filter(([, property]) => property.causesReplacement === 'yes').map(([name]) => name);
    expect(replacing.sort()).toEqual(['RestApiId', 'StageName']);
    for (const name of replacing) expect(referencesIn(stage[name]).map((reference) => reference.target), name).not.toContain(deploymentId);
    expect(definition.properties.DeploymentId!.causesReplacement).not.toBe('yes');
  });

  it('serves the URLs the functions and outputs use under the stage it creates', () => {
    const stageName = template.Resources.ApiGatewayStage!.Properties!.StageName;
    expect(stageName).toBe(STAGE);
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const base = render((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.PUBLIC_BASE_URL);
      expect(base, id).toEqual([`https://${PLACEHOLDER_REST_API_ID}.execute-api.${REGION}.amazonaws.com/${stageName}`]);
    }
    expect(render((template.Outputs!.ServiceEndpoint as { Value: unknown }).Value)).toEqual([
      `https://${PLACEHOLDER_REST_API_ID}.execute-api.${REGION}.amazonaws.com/${stageName}`,
    ]);
  });

  it('throttles every method of the stage and traces it with X-Ray, from the configured values', () => {
    const stage = template.Resources.ApiGatewayStage!.Properties!;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.MethodSettings).toEqual([{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }]);
  });
});

describe('the checks themselves', () => {
  // Each check must catch the defect it exists for, or a clean result above means nothing.
  const synthetic = (resources: CfnTemplate['Resources']): CfnTemplate => ({ Resources: resources });

  it('the registry check catches wrong types, unknown and missing properties, bad policies and attributes', () => {
    const bad = synthetic({
      Pool: { Type: 'AWS::Cognito::UserPool', DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'RetainExceptOnCreate', Properties: { DeletionProtection: true, Colour: 'red' } },
      Domain: { Type: 'AWS::Cognito::UserPoolDomain', Properties: { UserPoolId: { Ref: 'Pool' }, ManagedLoginVersion: '1' } },
      Group: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { 'Fn::GetAtt': ['Pool', 'Colour'] }, GroupName: { 'Fn::Sub': '${Missing}' } } },
    });
    expect(registryProblems(registry, bad)).toEqual([
      'Pool.UpdateReplacePolicy: "RetainExceptOnCreate" is not one of Delete, Retain, Snapshot',
      'Pool.DeletionProtection: expected a string, got boolean true',
      'Pool.Colour: unknown property',
      'Domain.ManagedLoginVersion: expected an integer, got string "1"',
      'Domain.Domain: required property missing',
    ]);
    expect(referenceProblems(registry, bad)).toEqual([
      expect.stringContaining('Group: Fn::GetAtt Pool.Colour: AWS::Cognito::UserPool has no such attribute'),
      'Group: Fn::Sub names Missing, which the template does not define',
    ]);
  });

  it('the enum checks catch a value outside the enum and an enum-valued property without a rule', () => {
    const leaf = (path: string, value: unknown): EnumLeaf => ({ resourceId: 'X', path, value, registryRestricted: false, scalar: true });
    expect(enumValueProblems([leaf('AWS::Cognito::UserPool.DeletionProtection', true)], renderEnum)).toEqual([
      'X AWS::Cognito::UserPool.DeletionProtection: "true" is not one of ACTIVE, INACTIVE (cognito-identity-provider DeletionProtectionType)',
    ]);
    expect(unmappedEnumProblems([leaf('AWS::DynamoDB::Table.ContributorInsightsSpecification.Mode', 'ACCESSED_AND_THROTTLED_KEYS')])).toEqual([
      'AWS::DynamoDB::Table.ContributorInsightsSpecification.Mode: an enum-valued property with no rule in ENUM_RULES',
    ]);
    // Found by the SDK's enum names alone (PackageType is an enum of @aws-sdk/client-lambda).
    expect(unmappedEnumProblems([leaf('AWS::Lambda::Function.PackageType', 'Zip')])).toEqual([
      expect.stringContaining('AWS::Lambda::Function.PackageType: looks like the SDK enum PackageType'),
    ]);
  });

  it('the Cognito checks refuse what Cognito refuses', () => {
    expect(domainPrefixProblem('mcp-prod-123456789012')).toBeUndefined();
    expect(domainPrefixProblem('my-cognito-login')).toBe('contains the reserved word "cognito"');
    expect(domainPrefixProblem('Mcp_Prod')).toMatch(/does not match/);
    expect(callbackUrlProblem('https://claude.ai/api/mcp/auth_callback')).toBeUndefined();
    expect(callbackUrlProblem('http://localhost:6274/oauth/callback')).toBeUndefined();
    expect(callbackUrlProblem('cursor://anysphere.cursor-mcp/oauth/callback')).toBeUndefined();
    expect(callbackUrlProblem('http://127.0.0.1:33418/')).toBe('uses http for a host other than localhost');
    expect(callbackUrlProblem('https://app.example.com/cb#x')).toBe('has a fragment');
    const client = synthetic({
      Client: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: 'p', CallbackURLs: ['http://[::1]:8080/cb'], AllowedOAuthScopes: ['a"b'] } },
    });
    expect(cognitoProblems(client, render)).toHaveLength(2);
  });

  it('the cycle check finds a cycle through Ref, GetAtt, Sub and DependsOn', () => {
    const cyclic = synthetic({
      A: { Type: 'T', Properties: { X: { Ref: 'B' } } },
      B: { Type: 'T', Properties: { X: { 'Fn::Sub': '${C.Arn}' } } },
      C: { Type: 'T', DependsOn: ['A'] },
      D: { Type: 'T', Properties: { X: { 'Fn::GetAtt': ['A', 'Arn'] } } },
    });
    expect(dependencyCycles(dependencyGraph(cyclic))).toEqual([['A', 'B', 'C']]);
  });
});
