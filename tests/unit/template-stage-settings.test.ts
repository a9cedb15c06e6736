import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * serverless-plugins/stage-settings.cjs on a compiled template as the framework hands it over
 * (one Deployment naming the stage). The packaged result is checked in template-registry.test.ts;
 * here, what it refuses.
 */
const StageSettings = createRequire(import.meta.url)('../../serverless-plugins/stage-settings.cjs') as new (serverless: unknown) => {
  apply(): void;
};

function service(options: { custom?: Record<string, unknown>; provider?: Record<string, unknown>; deployments?: number } = {}) {
  const resources: Record<string, any> = { ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: {} } };
  for (let index = 0; index < (options.deployments ?? 1); index += 1) {
    resources[`ApiGatewayDeployment${index}`] = { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'prod' } };
  }
  return {
    service: {
      custom: options.custom ?? { stageSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 80, tracingEnabled: 'false' } },
      provider: { ...options.provider, compiledCloudFormationTemplate: { Resources: resources } },
    },
  };
}

const apply = (serverless: ReturnType<typeof service>) => {
  new StageSettings(serverless).apply();
  return serverless.service.provider.compiledCloudFormationTemplate.Resources;
};

describe('the stage-settings plugin', () => {
  it('moves the stage off the Deployment onto a Stage resource carrying the configured settings', () => {
    const resources = apply(service());
    expect(resources.ApiGatewayDeployment0.Properties).toEqual({ RestApiId: { Ref: 'ApiGatewayRestApi' } });
    expect(resources.ApiGatewayStage).toEqual({
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        StageName: 'prod',
        DeploymentId: { Ref: 'ApiGatewayDeployment0' },
        TracingEnabled: false,
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 }],
      },
    });
  });

  it('refuses the framework options that would change the stage after CloudFormation (its update-stage API calls)', () => {
    const tags = [{ tags: { team: 'mcp' } }, { stackTags: { team: 'mcp' } }];
    for (const provider of [{ tracing: { apiGateway: true } }, { logs: { restApi: false } }, { apiGateway: { metrics: true } }, ...tags]) {
      expect(() => apply(service({ provider })), JSON.stringify(provider)).toThrow(/would make the framework change the stage after CloudFormation/);
    }
    // Tags are refused with where to put them instead.
    for (const provider of tags) expect(() => apply(service({ provider }))).toThrow(/tags on resources in resources\/\*\.yml/);
  });

  it('points the access log setting at the access log group, as one JSON line with the fields an operator needs', () => {
    const serverless = service();
    const accessLogGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/api-gateway/x' } };
    Object.assign(serverless.service, { resources: { Resources: { ApiGatewayAccessLogGroup: accessLogGroup, ApiGatewayAccount: { Type: 'AWS::ApiGateway::Account', Condition: 'Creates' } } } });
    const stage = apply(serverless).ApiGatewayStage.Properties;
    expect(JSON.stringify(stage.AccessLogSetting.DestinationArn)).toContain('{"Ref":"ApiGatewayAccessLogGroup"}');
    // The `-` API Gateway writes for a missing value must stay valid JSON: substituted, the line parses.
    const line = stage.AccessLogSetting.Format.replace(/\$context\.(status|responseLatency)\b/g, '200').replace(/\$context\.[\w.]+/g, '-');
    expect(Object.keys(JSON.parse(line))).toEqual(
      expect.arrayContaining(['requestId', 'ip', 'status', 'responseLatency', 'authorizerError', 'integrationError', 'errorType', 'integrationLatency']),
    );
    expect(stage.AccessLogSetting.Format).toContain('"authorizerError":"$context.authorizer.error"');
    expect(stage.AccessLogSetting.Format).toContain('"integrationError":"$context.integration.error"');
    // The stage waits for the account's CloudWatch role when the stack sets it, through Fn::If (a DependsOn on a resource whose condition is false is refused).
    expect(stage.Description['Fn::If'][0]).toBe('Creates');
    // Without the log group, no access log setting.
    expect(apply(service()).ApiGatewayStage.Properties.AccessLogSetting).toBeUndefined();
  });

  it('refuses settings it cannot apply as given', () => {
    expect(() => apply(service({ custom: { stageSettings: { throttlingRateLimit: 0, throttlingBurstLimit: 10, tracingEnabled: true } } }))).toThrow(/positive throttlingRateLimit/);
    expect(() => apply(service({ custom: { stageSettings: { throttlingRateLimit: 5, throttlingBurstLimit: 1.5, tracingEnabled: true } } }))).toThrow(/integer throttlingBurstLimit/);
    expect(() => apply(service({ custom: { stageSettings: { throttlingRateLimit: 5, throttlingBurstLimit: 10, tracingEnabled: 'yes' } } }))).toThrow(/tracingEnabled must be true or false/);
    expect(() => apply(service({ deployments: 2 }))).toThrow(/expected the framework's one AWS::ApiGateway::Deployment, found 2/);
  });
});
