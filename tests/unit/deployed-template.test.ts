import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../support/template/cloudformation.js';
import { deployerPermissionsTable, unmappedResourceTypes } from '../support/template/deployer-permissions.js';
import { packageTemplate } from '../support/template/packaged-template.js';
import { loadRegistry, registryProblems } from '../support/template/registry.js';

/**
 * Packages the real production stack with `serverless package` (offline, no AWS credentials) and
 * checks the CloudFormation template it would deploy.
 */

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DependsOn?: string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
let workDir: string;
let resources: Record<string, Resource>;
let template: { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
let bundleSizes: Record<string, number>;

beforeAll(() => {
  const packaged = packageTemplate({ stage: 'prod', region: 'eu-west-1', prefix: 'mcp-package-' });
  workDir = packaged.dir;
  template = packaged.template as unknown as typeof template;
  resources = template.Resources;
  bundleSizes = Object.fromEntries(
    readdirSync(join(workDir, '.serverless'))
      .filter((file) => file.endsWith('.zip'))
      .map((file) => [file.replace('.zip', ''), statSync(join(workDir, '.serverless', file)).size]),
  );
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const method = (logicalId: string) => resources[logicalId]!.Properties;

describe('the packaged CloudFormation template', () => {
  it('packages one bundle per function', () => {
    expect(Object.keys(bundleSizes).sort()).toEqual(['authorizer', 'dcr', 'dcrCleanup', 'health', 'mcp', 'metadata', 'oauthApps', 'oauthAuthorize', 'oauthToken', 'preTokenGeneration', 'revoke']);
  });

  it('has no company identity provider and no pre-token trigger attached unless the parameters ask (serverless-plugins/user-pool-settings.cjs)', () => {
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::Cognito::UserPoolIdentityProvider')).toEqual([]);
    expect(resources.CognitoUserPool!.Properties.LambdaConfig).toBeUndefined();
    expect(resources.CognitoUserPool!.Properties.Schema).toBeUndefined();
    expect(resources.CognitoUserPool!.Properties.Policies.PasswordPolicy.MinimumLength).toBe(12);
    expect(resources.CognitoUserPool!.Properties.MfaConfiguration).toBe('OPTIONAL');
  });

  it('puts the REQUEST authorizer, keyed on the Authorization header, in front of every /mcp method', () => {
    const authorizer = resources.AuthorizerApiGatewayAuthorizer!.Properties;
    expect(authorizer.Type).toBe('REQUEST');
    expect(authorizer.IdentitySource).toBe('method.request.header.Authorization');
    expect(authorizer.AuthorizerResultTtlInSeconds).toBe(60);
    for (const id of ['ApiGatewayMethodMcpPost', 'ApiGatewayMethodMcpGet', 'ApiGatewayMethodMcpDelete']) {
      expect(method(id).AuthorizationType).toBe('CUSTOM');
      expect(method(id).AuthorizerId).toEqual({ Ref: 'AuthorizerApiGatewayAuthorizer' });
    }
  });

  it('streams every /mcp method from the streamified MCP handler, and only those', () => {
    const methods = ofType('AWS::ApiGateway::Method');
    for (const [id, resource] of methods) {
      const integration = resource.Properties.Integration as { ResponseTransferMode?: string; Uri: unknown };
      const uri = JSON.stringify(integration.Uri);
      if (id.startsWith('ApiGatewayMethodMcp')) {
        expect(integration.ResponseTransferMode, id).toBe('STREAM');
        expect(uri, id).toContain('2021-11-15/functions/');
        expect(uri, id).toContain('/response-streaming-invocations');
      } else {
        expect(integration.ResponseTransferMode ?? 'BUFFERED', id).toBe('BUFFERED');
        expect(uri, id).toContain('2015-03-31/functions/');
      }
    }
    const mcp = resources.McpLambdaFunction!.Properties;
    expect(mcp.Handler).toBe('functions/mcp/stream-handler.handler');
    expect(mcp.Timeout).toBe(120);
  });

  it('leaves the metadata, authorization, token, registration and health routes public', () => {
    const publicMethods = ofType('AWS::ApiGateway::Method').filter(([id]) => !id.startsWith('ApiGatewayMethodMcp'));
    expect(publicMethods.map(([id]) => id).sort()).toEqual([
      'ApiGatewayMethodAppsCallbackGet',
      'ApiGatewayMethodAppsGet',
      'ApiGatewayMethodAppsRevokePost',
      'ApiGatewayMethodAppsSignDashoutPost',
      'ApiGatewayMethodAuthorizeGet',
      'ApiGatewayMethodConsentPost',
      'ApiGatewayMethodHealthGet',
      'ApiGatewayMethodOauthCallbackGet',
      'ApiGatewayMethodRegisterClientidVarDelete',
      'ApiGatewayMethodRegisterClientidVarGet',
      'ApiGatewayMethodRegisterClientidVarOptions',
      'ApiGatewayMethodRegisterClientidVarPut',
      'ApiGatewayMethodRegisterOptions',
      'ApiGatewayMethodRegisterPost',
      'ApiGatewayMethodRevokePost',
      'ApiGatewayMethodTokenOptions',
      'ApiGatewayMethodTokenPost',
      'ApiGatewayMethodWellDashknownOauthDashauthorizationDashserverGet',
      'ApiGatewayMethodWellDashknownOauthDashprotectedDashresourceGet',
      'ApiGatewayMethodWellDashknownOauthDashprotectedDashresourceMcpGet',
      'ApiGatewayMethodWellDashknownOpenidDashconfigurationGet',
    ]);
    for (const [, resource] of publicMethods) expect(resource.Properties.AuthorizationType).toBe('NONE');
  });

  it('answers 401 and 403 with a WWW-Authenticate challenge naming the protected resource metadata', () => {
    const responses = Object.fromEntries(ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType, r.Properties]));
    for (const [type, status, error] of [['UNAUTHORIZED', '401', 'invalid_token'], ['ACCESS_DENIED', '403', 'insufficient_scope']] as const) {
      const response = responses[type]!;
      expect(response.StatusCode).toBe(status);
      const header = JSON.stringify(response.ResponseParameters['gatewayresponse.header.WWW-Authenticate']);
      expect(header).toContain(`'Bearer resource_metadata=\\"`);
      expect(header).toContain('/.well-known/oauth-protected-resource/mcp');
      expect(header).toContain(`error=\\"${error}\\"`);
      expect(header).toContain('ApiGatewayRestApi');
    }
    expect(responses.MISSING_AUTHENTICATION_TOKEN?.StatusCode).toBe('404');
    expect(resources.AuthorizerApiGatewayAuthorizer!.DependsOn).toEqual(
      expect.arrayContaining(['GatewayResponseUnauthorized', 'GatewayResponseAccessDenied']),
    );
  });

  it('creates the tables with TTL, point-in-time recovery, encryption and retention', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual(['ApiKeysTable', 'ClientsTable', 'GrantsTable', 'NotesTable', 'OAuthStateTable', 'RateLimitsTable', 'RevocationsTable']);
    // The facade's single-use markers live minutes: TTL and encryption, no backups, deleted with the stack.
    const state = resources.OAuthStateTable as unknown as { DeletionPolicy: string; Properties: Record<string, unknown> };
    expect(state.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(state.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(state.Properties.PointInTimeRecoverySpecification).toBeUndefined();
    expect(state.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(state.DeletionPolicy).toBe('Delete');
    for (const [id, table] of tables.filter(([id]) => id !== 'OAuthStateTable')) {
      expect(table.Properties.TimeToLiveSpecification, id).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(table.Properties.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true });
    }
    // State outlives a remove, but not a failed first deploy: RetainExceptOnCreate, so that the
    // rollback of the deploy that created them deletes them (fixed names would block the retry).
    // UpdateReplacePolicy has no RetainExceptOnCreate; a replacement keeps the old table.
    for (const id of ['ApiKeysTable', 'ClientsTable', 'GrantsTable', 'NotesTable', 'RevocationsTable', 'CognitoUserPool']) {
      expect(resources[id]!.DeletionPolicy, id).toBe('RetainExceptOnCreate');
      expect(resources[id]!.UpdateReplacePolicy, id).toBe('Retain');
    }
    for (const id of ['ApiKeysTable', 'ClientsTable', 'GrantsTable', 'NotesTable', 'RevocationsTable']) {
      expect(resources[id]!.Properties.DeletionProtectionEnabled, id).toBe(true);
    }
    // Counters are disposable: neither retained nor protected, so a remove deletes them.
    expect(resources.RateLimitsTable!.DeletionPolicy).toBeUndefined();
    expect(resources.RateLimitsTable!.Properties.DeletionProtectionEnabled).toBeUndefined();
  });

  it('defines the user pool, its managed-login domain and a resource server with read, write and admin scopes', () => {
    const pool = resources.CognitoUserPool!.Properties;
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    // Refresh token rotation and resource binding (the facade's `resource`) need Essentials or Plus.
    expect(pool.UserPoolTier).toBe('ESSENTIALS');
    expect(resources.CognitoUserPoolDomain!.Properties.UserPoolId).toEqual({ Ref: 'CognitoUserPool' });
    const server = resources.CognitoResourceServer!.Properties;
    expect(server.Scopes.map((scope: { ScopeName: string }) => scope.ScopeName)).toEqual(['read', 'write', 'admin']);
    expect(JSON.stringify(server.Identifier)).toContain('/mcp');
  });

  it('gives every function its own role with only its own actions, none of them wildcards', () => {
    const functions = ofType('AWS::Lambda::Function');
    const roles = functions.map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(functions.length);
    for (const [id, fn] of functions) {
      const role = resources[fn.Properties.Role['Fn::GetAtt'][0]]!;
      expect(role.Type, id).toBe('AWS::IAM::Role');
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
      for (const policy of role.Properties.Policies) {
        for (const statement of policy.PolicyDocument.Statement) {
          const actions: string[] = [statement.Action].flat();
          for (const action of actions) expect(action, `${id}: ${action}`).not.toMatch(/\*/);
          const targets = [statement.Resource].flat();
          // X-Ray has no resource-level permissions: its two write actions are the one exception.
          if (actions.every((action) => ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].includes(action))) {
            expect(targets, id).toEqual(['*']);
            continue;
          }
          for (const target of targets) {
            expect(target, id).not.toBe('*');
            // Every resource is a reference to a resource of this stack (or a sub-resource of one,
            // such as a table's index), not a hand-written ARN.
            const reference = 'Fn::Join' in target ? target['Fn::Join'][1][0] : target;
            // A secret's ARN is its Ref (it has no Arn attribute).
            if ('Ref' in reference) expect(resources[reference.Ref]?.Type, id).toBe('AWS::SecretsManager::Secret');
            else expect(Object.keys(reference), id).toEqual(['Fn::GetAtt']);
          }
        }
      }
    }
    // Which actions each role holds, on which resources, and that IAM allows them and nothing
    // beyond: tests/unit/iam-policies.test.ts (one table of every role's calls, simulated).
  });

  it('routes the facade: /authorize, /consent and /oauth/callback to one function, /token to another, with a generated sealing key', () => {
    const handlerOf = (method: string) => {
      const uri = JSON.stringify(resources[method]!.Properties.Integration.Uri);
      return /(OauthAuthorize|OauthToken)LambdaFunction/.exec(uri)?.[1];
    };
    for (const id of ['ApiGatewayMethodAuthorizeGet', 'ApiGatewayMethodConsentPost', 'ApiGatewayMethodOauthCallbackGet']) {
      expect(handlerOf(id), id).toBe('OauthAuthorize');
    }
    for (const id of ['ApiGatewayMethodTokenPost', 'ApiGatewayMethodTokenOptions']) expect(handlerOf(id), id).toBe('OauthToken');
    const secret = resources.OAuthKeySecret!.Properties;
    expect(resources.OAuthKeySecret!.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
    expect(secret.SecretString).toBeUndefined();
    for (const fn of ['OauthAuthorizeLambdaFunction', 'OauthTokenLambdaFunction']) {
      const variables = resources[fn]!.Properties.Environment.Variables;
      expect(variables.OAUTH_KEY_SECRET_ID, fn).toEqual({ Ref: 'OAuthKeySecret' });
      expect(variables.OAUTH_STATE_TABLE, fn).toBe('secure-mcp-prod-oauth-state');
      expect(variables.GRANTS_TABLE, fn).toBe('secure-mcp-prod-grants');
    }
  });

  it('gives the MCP function a generated secret of its own for input-required confirmations, readable by its role alone', async () => {
    const secret = resources.McpRequestStateSecret!;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties).toEqual({
      Name: 'secure-mcp-prod-mcp-request-state',
      Description: expect.any(String),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    // Property names and values as the CloudFormation registry defines AWS::SecretsManager::Secret.
    const registry = await loadRegistry();
    expect(registryProblems(registry, { Resources: { McpRequestStateSecret: secret } } as unknown as CfnTemplate)).toEqual([]);

    const variables = resources.McpLambdaFunction!.Properties.Environment.Variables;
    expect(variables.MCP_REQUEST_STATE_SECRET_ID).toEqual({ Ref: 'McpRequestStateSecret' });
    expect(variables.MCP_REQUEST_STATE_KEY).toBeUndefined();
    // Which roles may read which secret: the MCP role this one only, no other role this one.
    const readers = (secretId: string) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
        .filter(([, role]) =>
          (role.Properties.Policies ?? []).some((policy: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } }) =>
            policy.PolicyDocument.Statement.some(
              (statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(statement.Resource) === JSON.stringify({ Ref: secretId }),
            ),
          ),
        )
        .map(([id]) => id);
    expect(readers('McpRequestStateSecret')).toEqual(['McpRole']);
    expect(readers('OAuthKeySecret')).not.toContain('McpRole');
  });

  it('never ships the local-only JWKS mapping or any other local setting to AWS', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(variables.filter((name) => name.startsWith('LOCAL_') || name === 'IS_OFFLINE'), id).toEqual([]);
      expect(JSON.stringify(fn.Properties.Environment), id).not.toMatch(/localhost|127\.0\.0\.1/);
    }
  });

  it('runs the functions on Node.js 22 with the authorizer given the pool to verify against', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(resources.AuthorizerLambdaFunction!.Properties.Environment.Variables.USER_POOL_ID).toEqual({ Ref: 'CognitoUserPool' });
  });

  it('throttles the stage as the outer guard and traces it with X-Ray, on a Stage resource of its own', () => {
    // Not the Deployment's StageDescription: that is refused on every deploy after the first.
    const deployments = ofType('AWS::ApiGateway::Deployment');
    expect(deployments).toHaveLength(1);
    const [deploymentId, deployment] = deployments[0]!;
    expect(deployment.Properties.StageDescription).toBeUndefined();
    const stages = ofType('AWS::ApiGateway::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]![1].Properties;
    expect(stage).toMatchObject({ StageName: 'prod', DeploymentId: { Ref: deploymentId }, TracingEnabled: true });
    expect(stage.MethodSettings).toEqual([{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }]);
    expect(resources.McpLambdaFunction!.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('gives the MCP handler its tables, limits and scope mapping, and answers CORS preflights without the authorizer', () => {
    const variables = resources.McpLambdaFunction!.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      NOTES_TABLE: 'secure-mcp-prod-notes',
      RATE_LIMITS_TABLE: 'secure-mcp-prod-rate-limits',
      REVOCATIONS_TABLE: 'secure-mcp-prod-revocations',
      MCP_GROUP_SCOPES: 'mcp-admins=admin',
      MCP_RATE_LIMIT: '120',
      MCP_RATE_LIMIT_LEASE: '5',
      ALLOWED_ORIGINS: '',
    });
    expect(method('ApiGatewayMethodMcpOptions').AuthorizationType).toBe('NONE');
  });

  it('lets the first allowed origin read the 401/403 challenges, and names no origin when none is allowed', () => {
    for (const id of ['GatewayResponseUnauthorized', 'GatewayResponseAccessDenied']) {
      const parameters = resources[id]!.Properties.ResponseParameters;
      expect(parameters['gatewayresponse.header.Access-Control-Allow-Origin']['Fn::If'][0]).toBe('HasAllowedOrigins');
      expect(parameters['gatewayresponse.header.Access-Control-Allow-Origin']['Fn::If'][2]).toEqual({ Ref: 'AWS::NoValue' });
      expect(parameters['gatewayresponse.header.Access-Control-Expose-Headers']).toBe("'WWW-Authenticate'");
    }
    expect(template.Conditions.HasAllowedOrigins).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('gives the authorizer its tables and resource, and alarms on authentication failures through SNS', () => {
    const variables = resources.AuthorizerLambdaFunction!.Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['MCP_RESOURCE_URL', 'REVOCATIONS_TABLE', 'CLIENTS_TABLE', 'API_KEYS_TABLE', 'POWERTOOLS_METRICS_NAMESPACE']),
    );
    const alarm = resources.AuthenticationFailuresAlarm!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'SecureMcp/prod',
      MetricName: 'AuthenticationFailures',
      Dimensions: [{ Name: 'service', Value: 'secure-mcp' }],
      Statistic: 'Sum',
      Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(resources.AlarmTopic!.Type).toBe('AWS::SNS::Topic');
    // Every function publishes to its stage's namespace, the one the alarms watch.
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE, id).toBe('SecureMcp/prod');
    }
    expect(resources.DynamicClientCountAlarm!.Properties).toMatchObject({ Namespace: 'SecureMcp/prod', AlarmActions: [{ Ref: 'AlarmTopic' }] });
    // No e-mail parameter, no subscription (the condition is false).
    expect(resources.AlarmTopicEmailSubscription!.Condition).toBe('HasAlarmEmail');
  });
});

describe("the README's deploy section", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const between = (marker: string) => {
    const match = readme.match(new RegExp(`<!-- ${marker}:begin -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`));
    if (!match) throw new Error(`README has no ${marker} block`);
    return match[1]!;
  };
  // What CloudFormation leaves behind on a remove. The framework marks each function's version
  // Retain (so that a deploy does not delete the version before it), but deleting a function
  // deletes all its versions, so those do not outlive the stack.
  const retained = () =>
    Object.entries(resources)
      .filter(([, resource]) => resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate')
      .filter(([, resource]) => resource.Type !== 'AWS::Lambda::Version')
      .map(([id]) => id)
      .sort();
  // Of those, the ones holding the service's state, which the README imports back after a remove.
  const retainedState = () => retained().filter((id) => resources[id]!.DeletionPolicy === 'RetainExceptOnCreate');

  it('lists the permissions every resource type of the template needs', () => {
    expect(unmappedResourceTypes(template as unknown as CfnTemplate)).toEqual([]);
    const expected = deployerPermissionsTable(template as unknown as CfnTemplate);
    expect(between('deployer-permissions'), `README's table should read:\n${expected}`).toBe(expected);
  });

  it('lets the deployer create every secret of the stack', () => {
    // Each secret's name falls under the table's Secrets Manager pattern.
    const patterns = [...between('deployer-permissions').matchAll(/secretsmanager:\{region\}:\{account\}:secret:([^`]+)`/g)].map(
      (match) => new RegExp(`^${match[1]!.replace('{stage}', 'prod').replaceAll('*', '.*')}$`),
    );
    for (const [id, resource] of ofType('AWS::SecretsManager::Secret')) {
      // A secret's ARN ends in its name, a hyphen and six random characters.
      expect(patterns.some((pattern) => pattern.test(`${resource.Properties.Name}-AbCdEf`)), id).toBe(true);
    }
  });

  it('names exactly the resources that serverless remove keeps', () => {
    const listed = [...between('retained-resources').matchAll(/^- `(\w+)`/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(retained());
    expect(retained()).toEqual(['ApiGatewayAccount', 'ApiGatewayCloudWatchRole', 'ApiKeysTable', 'ClientsTable', 'CognitoUserPool', 'GrantsTable', 'NotesTable', 'RevocationsTable']);
    expect(retainedState()).toEqual(['ApiKeysTable', 'ClientsTable', 'CognitoUserPool', 'GrantsTable', 'NotesTable', 'RevocationsTable']);
  });

  it('imports exactly the retained resources, each by its registry identifier', async () => {
    const block = readme.match(/cat > resources-to-import\.json <<JSON\n([\s\S]*?)\nJSON\n/);
    expect(block).not.toBeNull();
    const imports = JSON.parse(block![1]!) as { ResourceType: string; LogicalResourceId: string; ResourceIdentifier: Record<string, string> }[];
    expect(imports.map((entry) => entry.LogicalResourceId).sort()).toEqual(retainedState());
    const registry = await loadRegistry();
    for (const entry of imports) {
      const resource = resources[entry.LogicalResourceId]!;
      expect(entry.ResourceType, entry.LogicalResourceId).toBe(resource.Type);
      expect(Object.keys(entry.ResourceIdentifier), entry.LogicalResourceId).toEqual(registry.resource(resource.Type)!.primaryIdentifier);
      // A table is imported by the name the template gives it.
      if (resource.Type === 'AWS::DynamoDB::Table') {
        expect(entry.ResourceIdentifier.TableName!.replace('$STAGE', 'prod')).toBe(resource.Properties.TableName);
      }
    }
  });
});
