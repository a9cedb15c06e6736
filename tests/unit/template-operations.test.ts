import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../authorizer/decide-access.js';
import { METRICS, recordDecision } from '../../authorizer/telemetry.js';
import { createDcrMetrics, recordClientCount } from '../../dcr/client-count-metric.js';
import type { AuditEvent } from '../../functions/mcp/audit/audit.js';
import { recordCallMetrics } from '../../functions/mcp/audit/call-metrics.js';
import { createLogger } from '../../lib/logger.js';
import type { CfnTemplate } from '../support/template/cloudformation.js';
import { packageTemplate } from '../support/template/packaged-template.js';

/**
 * What a deployed stage is operated with, on the template `serverless package` builds (offline,
 * with a custom domain given): streaming routes' integration timeouts, per-stage metrics and
 * alarms tied to what the functions' own code writes, access logs, the dashboard, and the custom
 * domain at the root. The account-free parts of AWS's behaviour these rely on are cited in the
 * plugins and resources/*.yml; nothing here reaches AWS.
 */
const require = createRequire(import.meta.url);
const { applyStreamingTimeouts, STREAM_TIMEOUT_CEILING_MS } = require('../../serverless-plugins/streaming-timeouts.cjs') as {
  applyStreamingTimeouts: (resources: Record<string, unknown>) => Record<string, number>;
  STREAM_TIMEOUT_CEILING_MS: number;
};
const { ACCESS_LOG_FIELDS } = require('../../serverless-plugins/access-log-format.cjs') as { ACCESS_LOG_FIELDS: Record<string, string> };

type Resource = { Type: string; Properties: Record<string, any>; Condition?: string; DeletionPolicy?: string };
const DOMAIN = 'mcp.example.com';
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const ZONE = 'Z0123456789ABCDEFGHIJ';

let dir: string;
let template: CfnTemplate & { Outputs: Record<string, any>; Conditions: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  const packaged = packageTemplate({
    stage: 'prod',
    region: 'eu-west-1',
    prefix: 'mcp-operations-',
    params: { customDomain: DOMAIN, customDomainCertificateArn: CERTIFICATE, customDomainHostedZoneId: ZONE },
  });
  dir = packaged.dir;
  template = packaged.template as typeof template;
  resources = template.Resources as Record<string, Resource>;
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** A condition of the template, evaluated (the parameters are literals once packaged). */
function holds(condition: unknown): boolean {
  const [fn, argument] = Object.entries(condition as Record<string, any>)[0]!;
  switch (fn) {
    case 'Condition':
      return holds(template.Conditions[argument as string]);
    case 'Fn::Not':
      return !holds(argument[0]);
    case 'Fn::And':
      return (argument as unknown[]).every(holds);
    case 'Fn::Equals':
      return JSON.stringify(argument[0]) === JSON.stringify(argument[1]);
    default:
      throw new Error(`cannot evaluate ${fn}`);
  }
}
/** A value with its Fn::If resolved by the template's conditions. */
const chosen = (value: any): any => (value && typeof value === 'object' && 'Fn::If' in value ? chosen(value['Fn::If'][holds({ Condition: value['Fn::If'][0] }) ? 1 : 2]) : value);

describe('streaming routes', () => {
  it('give every streaming method an integration timeout covering its function, within the 15 minutes API Gateway allows', () => {
    const streaming = ofType('AWS::ApiGateway::Method').filter(([, method]) => method.Properties.Integration.ResponseTransferMode === 'STREAM');
    expect(streaming.map(([id]) => id).sort()).toEqual(['ApiGatewayMethodMcpDelete', 'ApiGatewayMethodMcpGet', 'ApiGatewayMethodMcpOptions', 'ApiGatewayMethodMcpPost']);
    for (const [id, method] of streaming) {
      const functionId = JSON.stringify(method.Properties.Integration.Uri).match(/"Fn::GetAtt":\["(\w+)","Arn"\]/)![1]!;
      const timeout = method.Properties.Integration.TimeoutInMillis;
      expect(timeout, id).toBeGreaterThanOrEqual(resources[functionId]!.Properties.Timeout * 1000);
      expect(timeout, id).toBeLessThanOrEqual(STREAM_TIMEOUT_CEILING_MS);
    }
    // The MCP function's 120 s, plus the 10 s a cold start's init phase may take.
    expect(resources.ApiGatewayMethodMcpPost!.Properties.Integration.TimeoutInMillis).toBe(130_000);
    // Buffered routes keep API Gateway's default (29 s) and their functions stay under it.
    for (const [id, method] of ofType('AWS::ApiGateway::Method').filter(([, method]) => method.Properties.Integration.ResponseTransferMode !== 'STREAM')) {
      expect(method.Properties.Integration.TimeoutInMillis, id).toBeUndefined();
    }
  });

  it('refuse a function a stream cannot cover, and a shorter timeout set by hand', () => {
    const method = (timeoutInMillis?: number) => ({
      Type: 'AWS::ApiGateway::Method',
      Properties: { Integration: { ResponseTransferMode: 'STREAM', TimeoutInMillis: timeoutInMillis, Uri: { 'Fn::Join': ['', ['arn:', { 'Fn::GetAtt': ['FnLambdaFunction', 'Arn'] }, '/response-streaming-invocations']] } } },
    });
    const fn = (timeout: number) => ({ Type: 'AWS::Lambda::Function', Properties: { Timeout: timeout } });
    expect(applyStreamingTimeouts({ M: method(), FnLambdaFunction: fn(900) })).toEqual({ M: STREAM_TIMEOUT_CEILING_MS });
    expect(() => applyStreamingTimeouts({ M: method(), FnLambdaFunction: fn(901) })).toThrow(/past the 15 minutes/);
    expect(() => applyStreamingTimeouts({ M: method(29_000), FnLambdaFunction: fn(120) })).toThrow(/shorter than FnLambdaFunction's timeout/);
    expect(() => applyStreamingTimeouts({ M: method() })).toThrow(/invokes no Lambda function/);
  });

  it('write the timeout on the streaming http events too, where the framework’s deploy-time check reads it', () => {
    const StreamingTimeouts = require('../../serverless-plugins/streaming-timeouts.cjs') as new (serverless: unknown) => { hooks: Record<string, () => void> };
    const stream = { path: 'mcp', method: 'post', response: { transferMode: 'STREAM' } };
    const buffered = { path: 'health', method: 'get' };
    const functions = { mcp: { timeout: 120, events: [{ http: stream }, { http: buffered }] } };
    const resources = {
      ApiGatewayMethodMcpPost: {
        Type: 'AWS::ApiGateway::Method',
        Properties: { Integration: { ResponseTransferMode: 'STREAM', Uri: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['McpLambdaFunction', 'Arn'] }]] } } },
      },
      McpLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { Timeout: 120 } },
    };
    const serverless = {
      service: { functions, provider: { compiledCloudFormationTemplate: { Resources: resources } } },
      getProvider: () => ({ naming: { getLambdaLogicalId: (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction` } }),
    };
    new StreamingTimeouts(serverless).hooks['after:package:compileEvents']!();
    expect(stream).toMatchObject({ timeoutInMillis: 130_000 });
    expect(buffered).not.toHaveProperty('timeoutInMillis');
  });
});

// ---------------------------------------------------------------------------------------------
// Metrics as the functions write them: their own code, run with the environment the template gives
// them, its EMF output captured (Powertools writes it to stdout, as in Lambda).
// ---------------------------------------------------------------------------------------------
interface EmfRecord {
  namespace: string;
  metrics: string[];
  dimensionSets: string[][];
  values: Record<string, unknown>;
}

async function emfWrittenWith(environment: Record<string, string>, write: () => void): Promise<EmfRecord[]> {
  const saved = { ...process.env };
  Object.assign(process.env, environment);
  const output: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  try {
    write();
  } finally {
    spy.mockRestore();
    process.env = saved;
  }
  return output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const record = JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } } & Record<string, unknown>;
      return record._aws.CloudWatchMetrics.map((directive) => ({
        namespace: directive.Namespace,
        metrics: directive.Metrics.map((metric) => metric.Name),
        dimensionSets: directive.Dimensions,
        values: record,
      }));
    });
}

let written: EmfRecord[];
beforeAll(async () => {
  const environmentOf = (functionId: string) => {
    const variables = resources[functionId]!.Properties.Environment.Variables as Record<string, unknown>;
    return { POWERTOOLS_METRICS_NAMESPACE: String(variables.POWERTOOLS_METRICS_NAMESPACE), POWERTOOLS_SERVICE_NAME: String(variables.POWERTOOLS_SERVICE_NAME) };
  };
  const logger = createLogger('test');
  logger.setLogLevel('SILENT');
  const denial: Decision = { effect: 'deny', reason: 'expired' };
  const allowed = { effect: 'allow', identity: { principal: 'p', authMethod: 'jwt', clientId: 'c', tokenId: 'j' } } as unknown as Decision;
  const authorizer = await emfWrittenWith(environmentOf('AuthorizerLambdaFunction'), () => {
    const metrics = new Metrics();
    recordDecision(denial, {}, logger, metrics);
    recordDecision(allowed, {}, logger, metrics);
    metrics.publishStoredMetrics();
  });
  const dcr = await emfWrittenWith(environmentOf('DcrCleanupLambdaFunction'), () => {
    const metrics = createDcrMetrics();
    recordClientCount(metrics, 12);
    metrics.publishStoredMetrics();
  });
  const mcp = await emfWrittenWith(environmentOf('McpLambdaFunction'), () => {
    const call = { kind: 'tool', target: 'whoami', tool: 'whoami', durationMs: 5 } as AuditEvent;
    const metrics = new Metrics();
    recordCallMetrics(metrics, { ...call, outcome: 'error', reason: 'internal' });
    recordCallMetrics(metrics, { ...call, outcome: 'denied', reason: 'missing_scope:admin' });
  });
  written = [...authorizer, ...dcr, ...mcp];
});

/** Whether some function writes this metric with exactly these dimensions (an alarm or graph matches no other). */
function writes(namespace: string, metricName: string, dimensions: Record<string, string | undefined>): boolean {
  const names = Object.keys(dimensions).sort();
  return written.some(
    (record) =>
      record.namespace === namespace &&
      record.metrics.includes(metricName) &&
      record.dimensionSets.some((set) => JSON.stringify([...set].sort()) === JSON.stringify(names)) &&
      Object.entries(dimensions).every(([name, value]) => value === undefined || record.values[name] === value),
  );
}

describe('metrics and alarms per stage', () => {
  it('has every function write to its stage’s own namespace', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE, id).toBe('SecureMcp/prod');
    expect(new Set(written.map((record) => record.namespace))).toEqual(new Set(['SecureMcp/prod']));
    expect(written.length).toBeGreaterThan(3);
  });

  it('alarms only on metrics a function writes, in that namespace, with that exact dimension set', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).toEqual(['AuthenticationFailuresAlarm', 'DynamicClientCountAlarm']);
    for (const [id, alarm] of alarms) {
      const { Namespace, MetricName, Dimensions } = alarm.Properties as { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> };
      const dimensions = Object.fromEntries(Dimensions.map((dimension) => [dimension.Name, dimension.Value]));
      expect(writes(Namespace, MetricName, dimensions), `${id}: ${Namespace} ${MetricName} ${JSON.stringify(dimensions)}`).toBe(true);
    }
  });

  it('would catch an alarm on a metric nobody writes (the check can fail)', () => {
    expect(writes('SecureMcp/prod', METRICS.authenticationFailures, { service: 'secure-mcp' })).toBe(true);
    expect(writes('SecureMcp', METRICS.authenticationFailures, { service: 'secure-mcp' })).toBe(false);
    expect(writes('SecureMcp/prod', METRICS.denied, { service: 'secure-mcp' })).toBe(false); // written with `reason` too
    expect(writes('SecureMcp/prod', 'AuthFailures', { service: 'secure-mcp' })).toBe(false);
  });
});

describe('the dashboard', () => {
  type Widget = { type: string; properties: { title: string; region: string; metrics?: unknown[][]; query?: string } };
  let widgets: Widget[];
  beforeAll(() => {
    const dashboard = resources.MonitoringDashboard!;
    expect(dashboard.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('secure-mcp-prod');
    const body = dashboard.Properties.DashboardBody['Fn::Sub'] as string;
    // The region is the one substitution; nothing else looks like one.
    expect([...body.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1])).toEqual(expect.arrayContaining(['AWS::Region']));
    expect(new Set([...body.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1]))).toEqual(new Set(['AWS::Region']));
    widgets = (JSON.parse(body) as { widgets: Widget[] }).widgets;
  });

  it('graphs only metrics the functions write, with their namespace, dimensions and service', () => {
    const entries = widgets.flatMap((widget) => widget.properties.metrics ?? []);
    // Each entry is an array (CloudWatch's metrics array shape): a metric, or one expression object.
    for (const entry of entries) expect(Array.isArray(entry), JSON.stringify(entry)).toBe(true);
    const own = entries.filter((metric) => typeof metric[0] === 'string' && !String(metric[0]).startsWith('AWS/'));
    expect(own.length).toBeGreaterThanOrEqual(3);
    for (const metric of own) {
      const [namespace, name, ...rest] = metric as [string, string, ...unknown[]];
      const pairs = rest.filter((part) => typeof part === 'string') as string[];
      const dimensions = Object.fromEntries(pairs.flatMap((_, index) => (index % 2 === 0 ? [[pairs[index]!, pairs[index + 1]!]] : [])));
      expect(writes(namespace, name, dimensions), JSON.stringify(metric)).toBe(true);
    }
    // SEARCH expressions: {namespace, dimensions...} MetricName="..." service="...".
    const searches = entries.flatMap((metric) => metric.filter((part): part is { expression: string } => typeof part === 'object' && part !== null && 'expression' in part));
    expect(searches.length).toBeGreaterThanOrEqual(4);
    for (const { expression } of searches) {
      const match = /^SEARCH\('\{"([^"]+)",(\w+),service\} MetricName="(\w+)" service="([^"]+)"', '\w+', \d+\)$/.exec(expression);
      expect(match, expression).not.toBeNull();
      const [, namespace, dimension, name, service] = match!;
      expect(writes(namespace!, name!, { [dimension!]: undefined, service }), expression).toBe(true);
    }
  });

  it('covers requests, errors, latency per route, authorizer outcomes, tools, throttles, clients, duration, concurrency and cold starts', () => {
    const text = JSON.stringify(widgets);
    for (const metric of ['"Count"', '"4XXError"', '"5XXError"', '"Latency"', 'AuthorizerAllowed', 'AuthorizerDenied', 'ToolCalls', 'ToolErrors', 'DynamicClientCount', '"Duration"', '"ConcurrentExecutions"', '"Throttles"']) {
      expect(text, metric).toContain(metric);
    }
    // API Gateway's metrics of this API and stage (the name the framework gives the REST API).
    expect(text).toContain(`"ApiName","${resources.ApiGatewayRestApi!.Properties.Name}","Stage","prod"`);
    // Every function's Lambda metrics, by its name.
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(text).toContain(`"FunctionName","${fn.Properties.FunctionName}"`);
    const queries = widgets.filter((widget) => widget.type === 'log').map((widget) => widget.properties.query!);
    expect(queries.some((query) => query.includes('pct(responseLatency, 99)') && query.includes('by httpMethod, resourcePath'))).toBe(true);
    expect(queries.some((query) => query.includes('status = 429'))).toBe(true);
    expect(queries.some((query) => query.includes('audit.reason = "rate_limited"') && query.includes('by audit.principal'))).toBe(true);
    expect(queries.some((query) => query.includes('@initDuration'))).toBe(true);
  });

  it('queries the access log by the fields it writes, and the log groups that exist', () => {
    const accessLogGroup = resources.ApiGatewayAccessLogGroup!.Properties.LogGroupName as string;
    const functionLogGroups = ofType('AWS::Logs::LogGroup').map(([, group]) => group.Properties.LogGroupName as string);
    for (const widget of widgets.filter((candidate) => candidate.type === 'log')) {
      const query = widget.properties.query!;
      for (const [, group] of query.matchAll(/SOURCE '([^']+)'/g)) expect(functionLogGroups, widget.properties.title).toContain(group);
      if (query.includes(`SOURCE '${accessLogGroup}'`)) {
        const fields = [...query.replace(/SOURCE '[^']+'/g, '').matchAll(/\b([a-z][A-Za-z]+)\b/g)].map((match) => match[1]!);
        const used = fields.filter((field) => ['resourcePath', 'responseLatency', 'httpMethod', 'status', 'errorType', 'principal', 'ip'].includes(field));
        for (const field of used) expect(Object.keys(ACCESS_LOG_FIELDS), field).toContain(field);
      }
    }
  });
});

describe('access logs', () => {
  it('log every request as JSON into a log group of the stack, with retention', () => {
    const stage = resources.ApiGatewayStage!.Properties;
    expect(JSON.stringify(stage.AccessLogSetting.DestinationArn)).toContain('"Ref":"ApiGatewayAccessLogGroup"');
    const group = resources.ApiGatewayAccessLogGroup!;
    expect(group.Properties).toEqual({ LogGroupName: '/aws/api-gateway/secure-mcp-prod-access', RetentionInDays: 30 });
    for (const field of ['requestId', 'ip', 'status', 'responseLatency', 'authorizerError', 'integrationError']) expect(ACCESS_LOG_FIELDS).toHaveProperty(field);
    expect(stage.AccessLogSetting.Format).toContain('"ip":"$context.identity.sourceIp"');
  });

  it('sets up the account-level CloudWatch role by default, kept by a remove, and lets the stage wait for it', () => {
    expect(holds({ Condition: 'CreatesApiGatewayCloudWatchRole' })).toBe(true);
    const role = resources.ApiGatewayCloudWatchRole!;
    expect(role.Condition).toBe('CreatesApiGatewayCloudWatchRole');
    expect(role.DeletionPolicy).toBe('Retain');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs');
    expect(role.Properties.Policies).toBeUndefined();
    const account = resources.ApiGatewayAccount!;
    expect(account).toMatchObject({ Condition: 'CreatesApiGatewayCloudWatchRole', DeletionPolicy: 'Retain', Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': ['ApiGatewayCloudWatchRole', 'Arn'] } } });
    expect(JSON.stringify(resources.ApiGatewayStage!.Properties.Description)).toContain('"Ref":"ApiGatewayAccount"');
  });
});

describe('the custom domain', () => {
  it('is a regional TLS 1.2 domain with the given certificate, mapped at the root of the stage', () => {
    expect(holds({ Condition: 'HasCustomDomain' })).toBe(true);
    expect(resources.CustomDomainName).toEqual({
      Type: 'AWS::ApiGateway::DomainName',
      Condition: 'HasCustomDomain',
      Properties: { DomainName: DOMAIN, RegionalCertificateArn: CERTIFICATE, EndpointConfiguration: { Types: ['REGIONAL'] }, SecurityPolicy: 'TLS_1_2' },
    });
    const mapping = resources.CustomDomainBasePathMapping!;
    expect(mapping.Condition).toBe('HasCustomDomain');
    expect(mapping.Properties).toEqual({ DomainName: { Ref: 'CustomDomainName' }, RestApiId: { Ref: 'ApiGatewayRestApi' }, Stage: { Ref: 'ApiGatewayStage' } });
  });

  it('makes the domain the public base URL: functions, the OAuth resource and the 401 challenge', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) expect(chosen(fn.Properties.Environment.Variables.PUBLIC_BASE_URL), id).toBe(`https://${DOMAIN}`);
    const resourceUrl = resources.CognitoResourceServer!.Properties.Identifier['Fn::Join'][1].map(chosen).join('');
    expect(resourceUrl).toBe(`https://${DOMAIN}/mcp`);
    const challenge = resources.GatewayResponseUnauthorized!.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate']['Fn::Join'][1].map(chosen).join('');
    expect(challenge).toContain(`resource_metadata="https://${DOMAIN}/.well-known/oauth-protected-resource/mcp"`);
    expect(chosen(template.Outputs.PublicBaseUrl.Value)).toBe(`https://${DOMAIN}`);
  });

  it('names the DNS target in an output and writes the alias record in the given hosted zone', () => {
    expect(template.Outputs.CustomDomainTarget).toMatchObject({ Condition: 'HasCustomDomain', Value: { 'Fn::GetAtt': ['CustomDomainName', 'RegionalDomainName'] } });
    expect(holds({ Condition: 'HasCustomDomainRecord' })).toBe(true);
    expect(resources.CustomDomainRecord).toMatchObject({
      Condition: 'HasCustomDomainRecord',
      Properties: {
        HostedZoneId: ZONE,
        Name: DOMAIN,
        Type: 'A',
        AliasTarget: { DNSName: { 'Fn::GetAtt': ['CustomDomainName', 'RegionalDomainName'] }, HostedZoneId: { 'Fn::GetAtt': ['CustomDomainName', 'RegionalHostedZoneId'] } },
      },
    });
  });
});

describe('trust that survives a remove and redeploy', () => {
  it('gives the MCP function role a fixed per-region name, and the tool role trusts that ARN, not the role', () => {
    expect(resources.McpRole!.Properties.RoleName).toBe('secure-mcp-prod-eu-west-1-mcp');
    const trust = resources.CallerToolRole!.Properties.AssumeRolePolicyDocument.Statement as Array<{ Principal: unknown; Condition: Record<string, any> }>;
    for (const statement of trust) {
      expect(JSON.stringify(statement.Principal)).not.toContain('McpRole');
      expect(JSON.stringify(statement.Condition.ArnEquals['aws:PrincipalArn'])).toContain('":role/","secure-mcp-prod-eu-west-1-mcp"');
    }
    // Nothing in the trust policy waits for McpRole: no reference to it at all.
    expect(JSON.stringify(resources.CallerToolRole!.Properties.AssumeRolePolicyDocument)).not.toMatch(/"(Ref|Fn::GetAtt)":\[?"McpRole/);
  });
});

describe('the custom domain parameters', () => {
  const { customDomainProblems } = require('../../serverless-plugins/custom-domain.cjs') as {
    customDomainProblems: (input: { domain?: string; certificateArn?: string; hostedZoneId?: string; region: string }) => string[];
  };
  const region = 'eu-west-1';

  it('accept a host name with a certificate of the stack’s region, with or without a hosted zone, and nothing at all', () => {
    expect(customDomainProblems({ domain: DOMAIN, certificateArn: CERTIFICATE, hostedZoneId: ZONE, region })).toEqual([]);
    expect(customDomainProblems({ domain: DOMAIN, certificateArn: CERTIFICATE, hostedZoneId: '', region })).toEqual([]);
    expect(customDomainProblems({ domain: '', certificateArn: '', hostedZoneId: '', region })).toEqual([]);
  });

  it('refuse what would fail half way through a deploy, each with its reason', () => {
    expect(customDomainProblems({ domain: DOMAIN, certificateArn: '', region })).toEqual([expect.stringMatching(/needs customDomainCertificateArn/)]);
    expect(customDomainProblems({ domain: DOMAIN, certificateArn: CERTIFICATE.replace('eu-west-1', 'us-east-1'), region })).toEqual([
      'customDomainCertificateArn is in us-east-1; a regional API in eu-west-1 needs a certificate in eu-west-1',
    ]);
    expect(customDomainProblems({ domain: 'https://mcp.example.com/', certificateArn: CERTIFICATE, region })).toEqual([expect.stringMatching(/not a lower-case host name/)]);
    expect(customDomainProblems({ domain: '', hostedZoneId: ZONE, region })).toEqual(['customDomainHostedZoneId is set but customDomain is not']);
    expect(customDomainProblems({ domain: DOMAIN, certificateArn: CERTIFICATE, hostedZoneId: 'example.com', region })).toEqual([expect.stringMatching(/not a Route 53 hosted zone id/)]);
  });
});
