import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/configuration-error.js';
import { type DeploymentContext, checkFunctions, everyCheck, standInFor, tracedParameters } from '../../lib/config-check.js';
import { coldStartChecks } from '../../serverless-plugins/function-config-checks.js';
import { packageInScratchCopy } from '../../scripts/package-service.js';

const context: DeploymentContext = {
  stage: 'prod',
  region: 'eu-west-1',
  resourceTypes: { CognitoUserPool: 'AWS::Cognito::UserPool', CallerToolRole: 'AWS::IAM::Role', OAuthKeySecret: 'AWS::SecretsManager::Secret' },
  resourceProperties: { CallerToolRole: { Path: '/secure-mcp/prod/' } },
};

/** `serverless package` in a scratch copy; its output when it fails. */
function packageFailure(params: Record<string, string>): string {
  let dir: string | undefined;
  try {
    dir = packageInScratchCopy({ stage: 'prod', region: 'eu-west-1', prefix: 'mcp-config-check-', params });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: Buffer; stderr: Buffer };
    return `${stdout.toString()}${stderr.toString()}`;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('serverless package succeeded');
}

describe('serverless package refuses what the functions would refuse at cold start (serverless-plugins/config-check.cjs)', () => {
  it('names the parameter, the variable, the functions and the rule, and packages nothing', () => {
    const output = packageFailure({
      mcpRateLimitLease: '500',
      maxRefreshTokenDays: '10',
      dcrAccessTokenMinutes: '2',
      // The authorizer's rules (plain checks, no zod) and a value built from CloudFormation references.
      publicBaseUrl: 'ftp://mcp.example.com',
      mcpGroupScopes: 'mcp-admins=root',
    });
    expect(output).toContain('Invalid configuration for stage "prod"');
    expect(output).toContain('parameter mcpRateLimitLease (MCP_RATE_LIMIT_LEASE="500", function mcp): Too big: expected number to be <=100');
    // A rule across two parameters names both.
    expect(output).toContain(
      'parameter maxRefreshTokenDays (MAX_REFRESH_TOKEN_DAYS="10", function mcp): 10 is below DCR_REFRESH_TOKEN_DAYS (30), the refresh token lifetime of dynamic clients (DCR_REFRESH_TOKEN_DAYS is parameter dcrRefreshTokenDays)',
    );
    // One line for a parameter several functions read.
    expect(output).toContain('parameter dcrAccessTokenMinutes (DCR_ACCESS_TOKEN_MINUTES="2", functions dcr, revoke, dcrCleanup, oauthAuthorize, oauthToken, oauthApps): Too small: expected number to be >=5');
    // Both parameters make the public URL (publicBaseUrl if set, else https://{customDomain}, else execute-api).
    expect(output).toContain('parameter publicBaseUrl / customDomain (MCP_RESOURCE_URL="ftp://mcp.example.com/mcp", function authorizer): must be an absolute http(s) URL');
    expect(output).toContain('parameter mcpGroupScopes (MCP_GROUP_SCOPES="mcp-admins=root", function mcp): "mcp-admins=root" is not group=scope[+scope]');
    // Refused before the bundling step.
    expect(output).not.toMatch(/esbuild|Service packaged/i);
  }, 60_000);

  it('packages the stage when the values are within the rules (the bounds themselves included)', () => {
    const dir = packageInScratchCopy({ stage: 'prod', region: 'eu-west-1', prefix: 'mcp-config-check-', params: { mcpRateLimitLease: '100', maxRefreshTokenDays: '30' } });
    try {
      const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as {
        Resources: Record<string, { Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
      };
      expect(template.Resources.McpLambdaFunction?.Properties.Environment?.Variables).toMatchObject({ MCP_RATE_LIMIT_LEASE: '100', MAX_REFRESH_TOKEN_DAYS: '30' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the check itself (lib/config-check.ts)', () => {
  it('gives CloudFormation values stand-ins of the shape AWS gives them', () => {
    expect(standInFor({ Ref: 'CognitoUserPool' }, context)).toMatch(/^eu-west-1_[a-zA-Z0-9]+$/);
    expect(standInFor({ 'Fn::GetAtt': ['CallerToolRole', 'Arn'] }, context)).toBe('arn:aws:iam::123456789012:role/secure-mcp/prod/CallerToolRole');
    expect(standInFor({ 'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.amazonaws.com/prod']] }, context)).toBe(
      'https://apigatewayrestapi.execute-api.eu-west-1.amazonaws.com/prod',
    );
    expect(standInFor({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:y' }, context)).toBe('arn:aws:x:eu-west-1:123456789012:y');
    expect(() => standInFor({ 'Fn::ImportValue': 'other-stack-output' }, context)).toThrow(/no stand-in for the CloudFormation value/);
  });

  it('decides Fn::If by the template\'s own conditions over the resolved parameters (a custom domain given or not)', () => {
    const choice = { 'Fn::If': ['HasCustomDomain', 'https://mcp.example.com', { 'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.example']] }] };
    const withDomain = (domain: string): DeploymentContext => ({
      ...context,
      conditions: {
        HasCustomDomain: { 'Fn::Not': [{ 'Fn::Equals': [domain, ''] }] },
        HasRecord: { 'Fn::And': [{ Condition: 'HasCustomDomain' }, { 'Fn::Or': [{ 'Fn::Equals': ['a', 'b'] }, { 'Fn::Equals': ['Z1', 'Z1'] }] }] },
      },
    });
    expect(standInFor(choice, withDomain('mcp.example.com'))).toBe('https://mcp.example.com');
    expect(standInFor(choice, withDomain(''))).toBe('https://apigatewayrestapi.example');
    expect(standInFor({ 'Fn::If': ['HasRecord', 'yes', 'no'] }, withDomain('mcp.example.com'))).toBe('yes');
    expect(() => standInFor({ 'Fn::If': ['Unknown', 'a', 'b'] }, withDomain(''))).toThrow(/condition Unknown is not in the template/);
    expect(() => standInFor(choice, { ...context, conditions: { HasCustomDomain: { 'Fn::Contains': ['x'] } } })).toThrow(/cannot decide the condition/);
  });

  it('traces a variable back to the parameters it is made from, through ${self:} references', () => {
    const raw = {
      custom: { publicBaseUrl: '${param:publicBaseUrl, self:custom.deployed.url}', deployed: { url: { 'Fn::Join': ['', ['https://', '${param:domain}']] } } },
    };
    expect(tracedParameters('${self:custom.publicBaseUrl}', raw).sort()).toEqual(['domain', 'publicBaseUrl']);
    expect(tracedParameters('fixed', raw)).toEqual([]);
  });

  it('refuses a handler no check is listed for, so a new function cannot skip the check', () => {
    expect(() => checkFunctions([{ name: 'extra', handler: 'extra/handler.handler', environment: {}, parameters: {} }], coldStartChecks, context)).toThrow(
      'no cold-start configuration check for handler extra/handler.handler (function extra)',
    );
  });

  it('reports every failing step of a function, not only the first', () => {
    const check = everyCheck(
      () => {
        throw new ConfigurationError([{ variable: 'A', message: 'bad' }]);
      },
      () => {
        throw new Error('B must be set');
      },
    );
    expect(() => check({ B: '' })).toThrow('Invalid configuration: A: bad; B: must be set');
  });

  it('lists a check for every handler serverless.yml names', () => {
    const handlers = [...readFileSync(join(import.meta.dirname, '../../serverless.yml'), 'utf8').matchAll(/^\s+handler: ([a-z/-]+)\.handler$/gm)].map((match) => match[1]!);
    expect(handlers.length).toBeGreaterThan(5);
    for (const handler of [...handlers, 'functions/mcp/stream-handler']) expect(coldStartChecks[handler], handler).toBeTypeOf('function');
  });
});
