'use strict';

/**
 * Stage-wide API Gateway settings the framework has no option for: throttling (the outer guard
 * in front of the MCP handler's per-caller rate limit) and X-Ray tracing. They are set on the
 * stage through the Deployment resource's StageDescription, which API Gateway applies to the
 * stage whenever the framework deploys (it creates a new Deployment each time).
 * Configuration: custom.stageSettings.{throttlingRateLimit, throttlingBurstLimit, tracingEnabled}.
 */
class StageSettings {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const settings = this.serverless.service.custom?.stageSettings ?? {};
    const rate = Number(settings.throttlingRateLimit);
    const burst = Number(settings.throttlingBurstLimit);
    if (!(rate > 0) || !(burst > 0) || !Number.isInteger(burst)) {
      throw new Error('custom.stageSettings needs a positive throttlingRateLimit and an integer throttlingBurstLimit');
    }
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGateway::Deployment');
    for (const deployment of deployments) {
      deployment.Properties.StageDescription = {
        ...deployment.Properties.StageDescription,
        ThrottlingRateLimit: rate,
        ThrottlingBurstLimit: burst,
        TracingEnabled: settings.tracingEnabled === true || settings.tracingEnabled === 'true',
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst }],
      };
    }
  }
}

module.exports = StageSettings;
