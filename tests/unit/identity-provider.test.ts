import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GroupMappingConfig, loadGroupMappingConfig, parseGroupList, tokenGroups } from '../../functions/pre-token/group-mapping.js';
import { handler } from '../../functions/pre-token/handler.js';
import type { CfnTemplate } from '../support/template/cloudformation.js';
import { renderings } from '../support/template/cloudformation.js';
import { danglingDependsOn, dependencyCycles, dependencyGraph } from '../support/template/dependency-cycles.js';
import { packageTemplate } from '../support/template/packaged-template.js';
import { placeholderContext } from '../support/template/placeholders.js';
import { type Registry, loadRegistry, referenceProblems, registryProblems } from '../support/template/registry.js';
import { enumLeaves, enumValueProblems, unmappedEnumProblems } from '../support/template/sdk-enums.js';

/**
 * The company's sign-in (serverless-plugins/user-pool-settings.cjs, functions/pre-token/). Cognito
 * federation cannot run here (cognito-local has no identity providers and no triggers of this
 * kind), so: the packaged template with an OIDC provider is checked against the CloudFormation
 * registry and the Cognito API's enums, the plugin's rules are checked on its own, and the trigger
 * is called with events of the shape Cognito documents for V2_0 (a federated user's `identities`
 * attribute, the group list as Cognito stores a mapped multi-valued claim).
 */
const { identityProviderResources, passwordMinimumLength, emailConfiguration } = createRequire(import.meta.url)('../../serverless-plugins/user-pool-settings.cjs') as {
  identityProviderResources: (settings: Record<string, string>) => {
    resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    poolProperties: Record<string, unknown>;
  };
  passwordMinimumLength: (value: unknown) => number;
  emailConfiguration: (settings: Record<string, string>) => Record<string, string> | undefined;
};

const REGION = 'eu-west-1';
const OIDC_PARAMS = {
  identityProviderType: 'OIDC',
  identityProviderName: 'CorpSSO',
  oidcIssuer: 'https://login.example.com/oauth2/default',
  oidcClientId: 'mcp-client',
  oidcClientSecretId: 'corp/mcp-oidc',
  identityProviderAttributeMapping: 'email=email;name=name',
  identityProviderGroupsAttribute: 'groups',
  identityProviderGroups: 'MCP-Admins=mcp-admins;Engineering=mcp-writers',
  dcrIdentityProviders: 'COGNITO CorpSSO',
  mfaConfiguration: 'ON',
  passwordMinimumLength: '14',
  emailSourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
};

describe('a stage with an OIDC provider and its groups, packaged (serverless package)', () => {
  let dir: string;
  let template: CfnTemplate;
  let registry: Registry;
  beforeAll(async () => {
    ({ dir, template } = packageTemplate({ stage: 'prod', region: REGION, prefix: 'mcp-idp-', params: OIDC_PARAMS }));
    registry = await loadRegistry();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const resource = (id: string) => template.Resources[id] as { Type: string; Properties: Record<string, any> };

  it('passes the registry, reference, cycle and enum checks', () => {
    expect(registryProblems(registry, template)).toEqual([]);
    expect(referenceProblems(registry, template)).toEqual([]);
    expect(danglingDependsOn(template)).toEqual([]);
    expect(dependencyCycles(dependencyGraph(template))).toEqual([]);
    const context = placeholderContext(template, { region: REGION, stackName: 'secure-mcp-prod' });
    const all = enumLeaves(registry, template);
    expect(enumValueProblems(all, (value) => (typeof value === 'number' ? [value] : renderings(value, context)))).toEqual([]);
    expect(unmappedEnumProblems(all)).toEqual([]);
    const checked = new Set(all.map((leaf) => leaf.path));
    for (const path of [
      'AWS::Cognito::UserPoolIdentityProvider.ProviderType',
      'AWS::Cognito::UserPool.Schema[].AttributeDataType',
      'AWS::Cognito::UserPool.LambdaConfig.PreTokenGenerationConfig.LambdaVersion',
      'AWS::Cognito::UserPool.MfaConfiguration',
      'AWS::Cognito::UserPool.EmailConfiguration.EmailSendingAccount',
    ]) {
      expect(checked, path).toContain(path);
    }
  });

  it('adds the provider with the client secret as a Secrets Manager reference only, and its attribute mapping', () => {
    expect(resource('CognitoIdentityProvider')).toEqual({
      Type: 'AWS::Cognito::UserPoolIdentityProvider',
      Properties: {
        UserPoolId: { Ref: 'CognitoUserPool' },
        ProviderName: 'CorpSSO',
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: 'mcp-client',
          client_secret: '{{resolve:secretsmanager:corp/mcp-oidc:SecretString:client_secret}}',
          authorize_scopes: 'openid email profile',
          oidc_issuer: 'https://login.example.com/oauth2/default',
          attributes_request_method: 'GET',
        },
        AttributeMapping: { email: 'email', name: 'name', 'custom:idp_groups': 'groups' },
      },
    });
  });

  it('gives the pool the groups attribute and the V2_0 trigger, which only Cognito may invoke', () => {
    const pool = resource('CognitoUserPool').Properties;
    expect(pool.Schema).toEqual([{ Name: 'idp_groups', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } }]);
    expect(pool.LambdaConfig).toEqual({ PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': ['PreTokenGenerationLambdaFunction', 'Arn'] }, LambdaVersion: 'V2_0' } });
    expect(resource('PreTokenGenerationCognitoPermission').Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['PreTokenGenerationLambdaFunction', 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['CognitoUserPool', 'Arn'] },
    });
    expect(resource('PreTokenGenerationLambdaFunction').Properties.Environment.Variables).toMatchObject({ IDP_NAME: 'CorpSSO', IDP_GROUP_MAPPING: 'MCP-Admins=mcp-admins;Engineering=mcp-writers' });
  });

  it('lets clients registered by DCR and CIMD sign in through the provider (their SupportedIdentityProviders)', () => {
    for (const fn of ['DcrLambdaFunction', 'OauthAuthorizeLambdaFunction']) {
      expect(resource(fn).Properties.Environment.Variables.DCR_IDENTITY_PROVIDERS, fn).toBe('COGNITO CorpSSO');
    }
  });

  it('sets the password policy, MFA and SES e-mail from the parameters', () => {
    const pool = resource('CognitoUserPool').Properties;
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Policies.PasswordPolicy.MinimumLength).toBe(14);
    expect(pool.EmailConfiguration).toEqual({ EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' });
  });
});

describe('identity provider settings (serverless-plugins/user-pool-settings.cjs)', () => {
  const oidc = {
    type: 'OIDC',
    name: 'CorpSSO',
    attributeMapping: 'email=email',
    oidcIssuer: 'https://login.example.com',
    oidcClientId: 'mcp-client',
    oidcClientSecretId: 'corp/mcp-oidc',
    dcrIdentityProviders: 'COGNITO',
  };

  it('takes the password length as a number from 8 to 99, whatever form the parameter came in', () => {
    expect(passwordMinimumLength('14')).toBe(14);
    expect(passwordMinimumLength(12)).toBe(12);
    for (const bad of ['7', '100', '12.5', 'twelve', '']) expect(() => passwordMinimumLength(bad)).toThrow(`passwordMinimumLength must be an integer from 8 to 99, not "${bad}"`);
  });

  it('sends e-mail through a verified SES identity when one is given, else leaves Cognito\'s own', () => {
    expect(emailConfiguration({ sourceArn: '', from: '' })).toBeUndefined();
    expect(emailConfiguration({ sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com', from: 'MCP <no-reply@example.com>' })).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      From: 'MCP <no-reply@example.com>',
    });
    expect(() => emailConfiguration({ sourceArn: 'no-reply@example.com' })).toThrow(/emailSourceArn must be the ARN of a verified SES identity/);
    expect(() => emailConfiguration({ sourceArn: '', from: 'a@example.com' })).toThrow(/emailFrom needs emailSourceArn/);
  });

  it('adds nothing when no provider is configured', () => {
    expect(identityProviderResources({ type: '', dcrIdentityProviders: 'COGNITO' })).toEqual({ resources: {}, poolProperties: {} });
  });

  it('builds a SAML provider from its metadata URL, with attribute names that are URLs', () => {
    const { resources, poolProperties } = identityProviderResources({
      type: 'SAML',
      name: 'Entra',
      samlMetadataUrl: 'https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml',
      attributeMapping: 'email=http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      dcrIdentityProviders: 'Entra',
    });
    expect(resources.CognitoIdentityProvider?.Properties).toMatchObject({
      ProviderType: 'SAML',
      ProviderDetails: { MetadataURL: 'https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml', IDPSignout: 'false' },
      AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
    });
    // No groups mapping: no trigger, no custom attribute.
    expect(poolProperties).toEqual({});
  });

  it.each([
    [{ ...oidc, oidcClientSecretId: '{{resolve:ssm-secure:/corp/secret}}' }, /oidcClientSecretId must be the name or ARN of a Secrets Manager secret/],
    [{ ...oidc, oidcClientSecretId: '' }, /oidcClientSecretId must be the name or ARN/],
    [{ ...oidc, oidcIssuer: 'http://login.example.com' }, /oidcIssuer must be the provider's https issuer URL/],
    [{ ...oidc, type: 'LDAP' }, /identityProviderType must be OIDC, SAML or empty, not "LDAP"/],
    [{ ...oidc, name: 'COGNITO' }, /identityProviderName "COGNITO" must be 1 to 32 characters/],
    [{ ...oidc, dcrIdentityProviders: 'COGNITO Okta' }, /dcrIdentityProviders names Okta; the pool's providers are COGNITO and CorpSSO/],
    [{ ...oidc, attributeMapping: 'name=name' }, /must map email/],
    [{ ...oidc, groupMapping: 'Admins=mcp-admins' }, /identityProviderGroups needs identityProviderGroupsAttribute/],
    [{ type: '', oidcIssuer: 'https://login.example.com', dcrIdentityProviders: 'COGNITO' }, /oidcIssuer set but identityProviderType is empty/],
    [{ type: '', dcrIdentityProviders: 'COGNITO CorpSSO' }, /dcrIdentityProviders names CorpSSO, but the pool has no identity provider but COGNITO/],
  ])('refuses %j', (settings, message) => {
    expect(() => identityProviderResources(settings)).toThrow(message);
  });
});

describe('the pre-token-generation trigger (functions/pre-token/)', () => {
  const config: GroupMappingConfig = { providerName: 'CorpSSO', mapping: { 'MCP-Admins': ['mcp-admins'], Engineering: ['mcp-writers', 'mcp-readers'] } };
  /** A V2_0 event as Cognito sends it for a federated sign-in through the hosted UI (the fields read here). */
  const event = (attributes: Record<string, string>, groups: string[] = ['eu-west-1_Abc_CorpSSO']) => ({
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth' as const,
    region: REGION,
    userPoolId: 'eu-west-1_Abc',
    userName: 'CorpSSO_00u1abcd',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'operatorclient' },
    request: {
      userAttributes: {
        sub: '1f2e3d4c-0000-4000-8000-000000000000',
        email: 'ada@example.com',
        identities: JSON.stringify([{ userId: '00u1abcd', providerName: 'CorpSSO', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: '1765000000000' }]),
        ...attributes,
      },
      groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['https://mcp.example.com/mcp/read'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  });

  it('adds the Cognito groups the user\'s mapped IdP groups name, keeping the groups the user has', () => {
    expect(tokenGroups(event({ 'custom:idp_groups': '["MCP-Admins","Everyone"]' }).request, config)).toEqual(['eu-west-1_Abc_CorpSSO', 'mcp-admins']);
    expect(tokenGroups(event({ 'custom:idp_groups': '[Engineering, Everyone]' }).request, config)).toEqual(['eu-west-1_Abc_CorpSSO', 'mcp-writers', 'mcp-readers']);
  });

  it('changes nothing for unmapped groups, for pool users (a custom attribute not written by the provider), or another provider', () => {
    expect(tokenGroups(event({ 'custom:idp_groups': '["Everyone"]' }).request, config)).toBeUndefined();
    expect(tokenGroups(event({ 'custom:idp_groups': '["MCP-Admins"]', identities: '' }).request, config)).toBeUndefined();
    const otherProvider = JSON.stringify([{ userId: 'x', providerName: 'Google', providerType: 'Google', primary: 'true' }]);
    expect(tokenGroups(event({ 'custom:idp_groups': '["MCP-Admins"]', identities: otherProvider }).request, config)).toBeUndefined();
    expect(tokenGroups(event({ 'custom:idp_groups': '["MCP-Admins"]' }, ['mcp-admins']).request, config)).toBeUndefined();
  });

  it('reads the group list in the forms Cognito stores a multi-valued claim', () => {
    expect(parseGroupList('["a b","c"]')).toEqual(['a b', 'c']);
    expect(parseGroupList('[a b, c]')).toEqual(['a b', 'c']);
    expect(parseGroupList('a b,c')).toEqual(['a b', 'c']);
    expect(parseGroupList(undefined)).toEqual([]);
  });

  it('refuses a malformed mapping at cold start, naming the variable', () => {
    expect(() => loadGroupMappingConfig({ IDP_NAME: 'CorpSSO', IDP_GROUP_MAPPING: 'Admins' })).toThrow('IDP_GROUP_MAPPING: "Admins" is not idpGroup=cognitoGroup[+cognitoGroup]');
    expect(loadGroupMappingConfig({ IDP_NAME: 'CorpSSO', IDP_GROUP_MAPPING: '' })).toEqual({ providerName: 'CorpSSO', mapping: {} });
  });

  it('answers Cognito with the V2_0 group override, and with the event unchanged when nothing is mapped', async () => {
    // The handler's own configuration is the deployed default: no mapping, so no change.
    const unchanged = event({ 'custom:idp_groups': '["MCP-Admins"]' });
    expect(await handler(structuredClone(unchanged) as never)).toEqual(unchanged);
  });
});
