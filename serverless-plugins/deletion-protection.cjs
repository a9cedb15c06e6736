'use strict';

const { dirname } = require('node:path');
const { applyProtection, deletionProtectionPlan, wantedProtection } = require('./deletion-protection-plan.cjs');

/**
 * Deletion protection switched on only once the protected resources exist, decided at deploy time
 * from the stack's state (deletion-protection-plan.cjs says why). Runs inside `serverless deploy`
 * only: `serverless package` keeps the template as the parameters say (protection on), and makes no
 * AWS call.
 *
 * - Before the framework compares and uploads the template (after it has created the stack, or
 *   found it), the plugin reads the stack (DescribeStacks, ListStackResources; both covered by the
 *   deployer's `cloudformation:*` on the stack) and switches protection off in the template for the
 *   resources this update creates. A stack no deploy can update stops the deploy here, with the
 *   command that gets it out.
 * - When the framework finds nothing changed since the last upload (it compares with the artifacts
 *   in the deployment bucket, which a failed update leaves behind), the plugin compares the
 *   protection it decided with the deployed template (GetTemplate) and deploys anyway when they
 *   differ, so a protection switch a failed update did not apply is never skipped.
 * - After a successful update that left protection off for resources it created, it runs the
 *   framework's deploy steps once more (the framework's own aws:deploy:deploy lifecycle), now with
 *   those resources protected. If that second update fails, its rollback only turns protection off
 *   again, and the next `serverless deploy` switches it on.
 */

/** The CloudFormation commands from the framework's own copy of the AWS SDK (the client it hands out). */
function cloudFormationCommands() {
  const frameworkDir = dirname(require.resolve('serverless/package.json'));
  return require(require.resolve('@aws-sdk/client-cloudformation', { paths: [frameworkDir] }));
}

class DeletionProtection {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.provider = serverless.getProvider('aws');
    this.log = utils?.log ?? { notice: console.log, warning: console.warn };
    this.hooks = {
      'before:aws:deploy:deploy:checkForChanges': () => this.plan(),
      'after:aws:deploy:deploy:checkForChanges': () => this.deployIfProtectionDiffers(),
      'after:aws:deploy:deploy:updateStack': () => this.protectWhatWasCreated(),
    };
  }

  get resources() {
    return this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
  }

  async stackState(stackName) {
    const { DescribeStacksCommand, ListStackResourcesCommand } = cloudFormationCommands();
    const client = await this.provider.getCloudFormationClient();
    let stack;
    try {
      const described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
      stack = { status: described.Stacks[0].StackStatus };
    } catch (error) {
      if (/does not exist/.test(String(error?.message))) return { stack: undefined, resources: {} };
      throw error;
    }
    const resources = {};
    let NextToken;
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
      for (const summary of page.StackResourceSummaries ?? []) resources[summary.LogicalResourceId] = summary.ResourceStatus;
      NextToken = page.NextToken;
    } while (NextToken);
    return { stack, resources };
  }

  async plan() {
    // What the parameters ask for, read once: the second pass starts from a template this plugin changed.
    this.wanted ??= wantedProtection(this.resources);
    if (Object.keys(this.wanted).length === 0) return;
    const stackName = this.provider.naming.getStackName();
    const region = this.provider.getRegion();
    const state = await this.stackState(stackName);
    const plan = deletionProtectionPlan({ stackName, region, wanted: this.wanted, ...state });
    if (plan.refusal) throw new Error(`deletion-protection: ${plan.refusal}`);
    applyProtection(this.resources, plan.protect);
    this.protect = plan.protect;
    this.deferred = plan.deferred;
    if (plan.deferred.length > 0) {
      this.log.notice(`Deletion protection stays off while this deploy creates ${plan.deferred.join(', ')} (so that a failed deploy can roll back); it is switched on right after.`);
    }
  }

  async deployIfProtectionDiffers() {
    const provider = this.serverless.service.provider;
    if (!provider.shouldNotDeploy || !this.protect) return;
    const { GetTemplateCommand } = cloudFormationCommands();
    const client = await this.provider.getCloudFormationClient();
    const deployed = await client.send(new GetTemplateCommand({ StackName: this.provider.naming.getStackName(), TemplateStage: 'Original' }));
    const current = wantedProtection(JSON.parse(deployed.TemplateBody).Resources ?? {});
    const differing = Object.entries(this.protect).filter(([id, on]) => (current[id] ?? false) !== on).map(([id]) => id);
    if (differing.length === 0) return;
    this.log.notice(`Deploying although nothing else changed: the deletion protection of ${differing.join(', ')} differs from the stack's.`);
    provider.shouldNotDeploy = false;
  }

  async protectWhatWasCreated() {
    if (!this.deferred?.length || this.secondPass) return;
    if (this.serverless.service.provider.shouldNotDeploy) return;
    this.secondPass = true;
    this.log.notice(`Switching on deletion protection of ${this.deferred.join(', ')}, now that they exist.`);
    await this.serverless.pluginManager.spawn('aws:deploy:deploy');
  }
}

module.exports = DeletionProtection;
