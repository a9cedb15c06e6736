'use strict';

/**
 * Stage-wide API Gateway settings the framework has no CloudFormation option for: throttling (the
 * outer guard in front of the MCP handler's per-caller rate limit) and X-Ray tracing.
 *
 * They live on an explicit AWS::ApiGateway::Stage resource that this plugin adds, and the
 * framework's Deployment loses its StageName. Why not on the Deployment: the framework gives the
 * Deployment a new logical id on every deploy, and a Deployment may carry StageDescription only
 * while its stage does not exist yet, so every deploy after the first failed ("StageDescription
 * cannot be specified when stage referenced by StageName already exists"). With the Stage resource
 * every deploy is the same three steps: create the new Deployment (no stage), update the Stage in
 * place (DeploymentId and the settings are updatable properties), and, in the clean-up phase,
 * delete the old Deployment, which no stage points at any more.
 *
 * The framework itself (osls) would set tracing and logging with API calls after CloudFormation
 * has finished (its "update-stage" hack, run when provider.tracing.apiGateway, provider.logs.restApi
 * or provider.apiGateway.metrics is set); that would change this stage behind CloudFormation's
 * back, so those settings are refused here.
 *
 * The framework's `provider.tags` and `provider.stackTags` start that same hack (it tags the stage
 * with TagResource calls after the deploy, outside CloudFormation and outside the deployer's
 * permissions), so they are refused too: tag resources in resources/*.yml, where CloudFormation
 * applies the tags with the rest of the template.
 *
 * Access logs: every request, as one JSON line (access-log-format.cjs), into the log group
 * ApiGatewayAccessLogGroup of resources/api-logs.yml. API Gateway writes them through the
 * account's (per-region) CloudWatch role; when that file creates the setting
 * (AWS::ApiGateway::Account ApiGatewayAccount), the stage waits for it.
 *
 * Configuration: custom.stageSettings.{throttlingRateLimit, throttlingBurstLimit, tracingEnabled}.
 */

const { accessLogFormat } = require('./access-log-format.cjs');

/** The logical id the framework reserves for its own stage resource (naming.getStageLogicalId). */
const STAGE_LOGICAL_ID = 'ApiGatewayStage';
/** resources/api-logs.yml: the access log group, and the account setting it may create. */
const ACCESS_LOG_GROUP = 'ApiGatewayAccessLogGroup';
const ACCOUNT_SETTING = 'ApiGatewayAccount';

class StageSettings {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const settings = this.readSettings();
    this.refuseFrameworkStageOptions();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::ApiGateway::Deployment');
    if (deployments.length !== 1) {
      throw new Error(`stage-settings: expected the framework's one AWS::ApiGateway::Deployment, found ${deployments.length}`);
    }
    const [deploymentId, deployment] = deployments[0];
    const { StageName: stageName, StageDescription: stageDescription, RestApiId: restApiId } = deployment.Properties;
    if (typeof stageName !== 'string' || stageName === '') {
      throw new Error(`stage-settings: the Deployment ${deploymentId} names no stage`);
    }
    if (stageDescription !== undefined) {
      throw new Error(`stage-settings: the Deployment ${deploymentId} carries a StageDescription; stage settings belong on ${STAGE_LOGICAL_ID}`);
    }
    if (resources[STAGE_LOGICAL_ID]) throw new Error(`stage-settings: ${STAGE_LOGICAL_ID} is already defined`);

    delete deployment.Properties.StageName;
    resources[STAGE_LOGICAL_ID] = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: restApiId,
        StageName: stageName,
        DeploymentId: { Ref: deploymentId },
        TracingEnabled: settings.tracingEnabled,
        // `/*` + `*` is the stage-wide default every method inherits.
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: settings.rate, ThrottlingBurstLimit: settings.burst }],
        ...this.accessLogProperties(),
      },
    };
  }

  /** AccessLogSetting (and the dependency on the account's CloudWatch role), when the service defines the log group. */
  accessLogProperties() {
    const declared = this.serverless.service.resources?.Resources ?? {};
    if (!declared[ACCESS_LOG_GROUP]) return {};
    const properties = {
      AccessLogSetting: {
        // The log group's ARN without the `:*` of its Arn attribute, as API Gateway documents it.
        DestinationArn: {
          'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'logs', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'log-group', { Ref: ACCESS_LOG_GROUP }]],
        },
        Format: accessLogFormat(),
      },
    };
    const account = declared[ACCOUNT_SETTING];
    if (!account) return properties;
    // A DependsOn may not name a resource whose condition is false; a reference inside Fn::If may.
    const description = { 'Fn::Join': ['', ['Access logs through the account setting ', { Ref: ACCOUNT_SETTING }]] };
    properties.Description = account.Condition ? { 'Fn::If': [account.Condition, description, { Ref: 'AWS::NoValue' }] } : description;
    return properties;
  }

  readSettings() {
    const settings = this.serverless.service.custom?.stageSettings ?? {};
    const rate = Number(settings.throttlingRateLimit);
    const burst = Number(settings.throttlingBurstLimit);
    if (!(rate > 0) || !(burst > 0) || !Number.isInteger(burst)) {
      throw new Error('custom.stageSettings needs a positive throttlingRateLimit and an integer throttlingBurstLimit');
    }
    const tracing = settings.tracingEnabled;
    if (![true, false, 'true', 'false'].includes(tracing)) {
      throw new Error('custom.stageSettings.tracingEnabled must be true or false');
    }
    return { rate, burst, tracingEnabled: tracing === true || tracing === 'true' };
  }

  refuseFrameworkStageOptions() {
    const provider = this.serverless.service.provider;
    const options = {
      'provider.tracing.apiGateway': provider.tracing?.apiGateway,
      'provider.logs.restApi': provider.logs?.restApi,
      'provider.apiGateway.metrics': provider.apiGateway?.metrics,
      'provider.tags': provider.tags,
      'provider.stackTags': provider.stackTags,
    };
    const set = Object.entries(options).filter(([, value]) => value !== undefined && value !== null).map(([name]) => name);
    if (set.length > 0) {
      throw new Error(
        `stage-settings: ${set.join(', ')} would make the framework change the stage after CloudFormation has deployed it ` +
          '(its update-stage API calls, outside the template and the deployer permissions); ' +
          `set stage options on the ${STAGE_LOGICAL_ID} resource through custom.stageSettings, and tags on resources in resources/*.yml`,
      );
    }
  }
}

module.exports = StageSettings;
