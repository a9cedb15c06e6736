import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * Deletion protection decided at deploy time (serverless-plugins/deletion-protection*.cjs), walked
 * through the stack states the framework's two-phase deploy (osls, deploymentMethod direct:
 * CreateStack with the deployment bucket only, then UpdateStack with everything) leads to. The
 * stack states are CloudFormation's own status names; the plugin's calls go to a CloudFormation
 * STAND-IN (no CloudFormation runs here), which answers DescribeStacks and ListStackResources in
 * the SDK's output shapes.
 */
const require = createRequire(import.meta.url);
const { deletionProtectionPlan, wantedProtection } = require('../../serverless-plugins/deletion-protection-plan.cjs') as {
  deletionProtectionPlan: (input: {
    stackName: string;
    region: string;
    wanted: Record<string, boolean>;
    stack?: { status: string };
    resources: Record<string, string>;
  }) => { protect: Record<string, boolean>; deferred: string[]; refusal?: string };
  wantedProtection: (resources: Record<string, unknown>) => Record<string, boolean>;
};
const DeletionProtection = require('../../serverless-plugins/deletion-protection.cjs') as new (
  serverless: unknown,
  options: unknown,
  utils: unknown,
) => { hooks: Record<string, () => Promise<void>> };

const STACK = 'secure-mcp-prod';
const REGION = 'eu-west-1';
const PROTECTED = ['CognitoUserPool', 'ClientsTable', 'NotesTable'];
const wanted = Object.fromEntries(PROTECTED.map((id) => [id, true]));
const plan = (stack: { status: string } | undefined, resources: Record<string, string>, want = wanted) =>
  deletionProtectionPlan({ stackName: STACK, region: REGION, wanted: want, stack, resources });

/** The framework's core stack: what CreateStack leaves before the first update. */
const CORE = { ServerlessDeploymentBucket: 'CREATE_COMPLETE', ServerlessDeploymentBucketPolicy: 'CREATE_COMPLETE' };
const ALL_CREATED: Record<string, string> = { ...CORE, ...Object.fromEntries(PROTECTED.map((id) => [id, 'CREATE_COMPLETE'])), McpLambdaFunction: 'CREATE_COMPLETE' };
const off = Object.fromEntries(PROTECTED.map((id) => [id, false]));
const on = Object.fromEntries(PROTECTED.map((id) => [id, true]));

describe('the deletion protection plan over the framework’s sequence', () => {
  it('first deploy: the update that creates the pool and tables creates them unprotected, so its rollback can delete them', () => {
    expect(plan({ status: 'CREATE_COMPLETE' }, CORE)).toEqual({ protect: off, deferred: PROTECTED });
  });

  it('failed first update: rolled back to the core stack, the next deploy is again a first one (no manual step)', () => {
    expect(plan({ status: 'UPDATE_ROLLBACK_COMPLETE' }, CORE)).toEqual({ protect: off, deferred: PROTECTED });
  });

  it('the update right after a successful first one, and every later one: protection on', () => {
    expect(plan({ status: 'UPDATE_COMPLETE' }, ALL_CREATED)).toEqual({ protect: on, deferred: [] });
    // A later update that failed and rolled back leaves existing resources as they were: still protected.
    const updatedThenRolledBack = { ...ALL_CREATED, ClientsTable: 'UPDATE_ROLLBACK_COMPLETE', NotesTable: 'UPDATE_COMPLETE' };
    expect(plan({ status: 'UPDATE_ROLLBACK_COMPLETE' }, updatedThenRolledBack)).toEqual({ protect: on, deferred: [] });
  });

  it('a protected resource added by a later update is created unprotected, the others stay protected', () => {
    const { NotesTable: _notes, ...withoutNotes } = ALL_CREATED;
    expect(plan({ status: 'UPDATE_COMPLETE' }, withoutNotes)).toEqual({ protect: { ...on, NotesTable: false }, deferred: ['NotesTable'] });
    // Still being created by an interrupted operation: not protected yet either.
    expect(plan({ status: 'UPDATE_COMPLETE' }, { ...withoutNotes, NotesTable: 'CREATE_FAILED' }).protect.NotesTable).toBe(false);
  });

  it('after `serverless remove`: a new stack again, the same as a first deploy (the retained pool and tables are outside it)', () => {
    expect(plan(undefined, {})).toEqual({ protect: off, deferred: PROTECTED });
    expect(plan({ status: 'CREATE_COMPLETE' }, CORE)).toEqual({ protect: off, deferred: PROTECTED });
  });

  it('deletionProtection=false: never on, nothing deferred', () => {
    const unwanted = Object.fromEntries(PROTECTED.map((id) => [id, false]));
    expect(plan({ status: 'UPDATE_COMPLETE' }, ALL_CREATED, unwanted)).toEqual({ protect: off, deferred: [] });
  });

  it('refuses the states no update can start from, with the command that gets the stack out', () => {
    expect(plan({ status: 'UPDATE_ROLLBACK_FAILED' }, ALL_CREATED).refusal).toMatch(
      /UPDATE_ROLLBACK_FAILED.*aws cloudformation continue-update-rollback --stack-name secure-mcp-prod --region eu-west-1.*--resources-to-skip/,
    );
    expect(plan({ status: 'ROLLBACK_COMPLETE' }, {}).refusal).toMatch(/aws cloudformation delete-stack --stack-name secure-mcp-prod --region eu-west-1/);
    expect(plan({ status: 'UPDATE_IN_PROGRESS' }, ALL_CREATED).refusal).toMatch(/another operation is running/);
    for (const status of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE']) {
      expect(plan({ status }, CORE).refusal, status).toBeUndefined();
    }
  });

  it('reads what the parameters ask from the template: the tables’ boolean, the pool’s ACTIVE/INACTIVE', () => {
    expect(
      wantedProtection({
        CognitoUserPool: { Type: 'AWS::Cognito::UserPool', Properties: { DeletionProtection: 'ACTIVE' } },
        ClientsTable: { Type: 'AWS::DynamoDB::Table', Properties: { DeletionProtectionEnabled: true } },
        RateLimitsTable: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        OffTable: { Type: 'AWS::DynamoDB::Table', Properties: { DeletionProtectionEnabled: false } },
      }),
    ).toEqual({ CognitoUserPool: true, ClientsTable: true, OffTable: false });
    expect(() => wantedProtection({ CognitoUserPool: { Type: 'AWS::Cognito::UserPool', Properties: { DeletionProtection: true } } })).toThrow(/not ACTIVE or INACTIVE/);
  });
});

// ---------------------------------------------------------------------------------------------
// The plugin in the framework's hook order, against a CloudFormation stand-in that plays a deploy.
// ---------------------------------------------------------------------------------------------
function template() {
  return {
    CognitoUserPool: { Type: 'AWS::Cognito::UserPool', Properties: { DeletionProtection: 'ACTIVE' } },
    ClientsTable: { Type: 'AWS::DynamoDB::Table', Properties: { DeletionProtectionEnabled: true } },
    RateLimitsTable: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  } as Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/** A stack as CloudFormation reports it, and the updates the "framework" makes to it. */
function harness(
  initial: { status: string; resources: Record<string, string>; template?: Record<string, unknown> } | undefined,
  options: { updateFails?: boolean; withoutPlugin?: boolean; unchangedSinceLastUpload?: boolean } = {},
) {
  let stack = initial && { ...initial, resources: { ...initial.resources } };
  const updates: Array<Record<string, unknown>> = [];
  const resources = template();
  const client = {
    async send(command: { constructor: { name: string }; input: { StackName: string } }) {
      expect(command.input.StackName).toBe(STACK);
      if (!stack) throw Object.assign(new Error(`Stack with id ${STACK} does not exist`), { name: 'ValidationError' });
      if (command.constructor.name === 'DescribeStacksCommand') return { Stacks: [{ StackName: STACK, StackStatus: stack.status }] };
      if (command.constructor.name === 'GetTemplateCommand') return { TemplateBody: JSON.stringify({ Resources: stack.template ?? {} }) };
      if (command.constructor.name === 'ListStackResourcesCommand') {
        return { StackResourceSummaries: Object.entries(stack.resources).map(([LogicalResourceId, ResourceStatus]) => ({ LogicalResourceId, ResourceStatus })) };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  const notices: string[] = [];
  let plugin!: { hooks: Record<string, () => Promise<void>> };
  /** One pass of aws:deploy:deploy: createStack (core), the plugin's hook, the update, the plugin's after-hook. */
  const deployLifecycle = async () => {
    stack ??= { status: 'CREATE_COMPLETE', resources: { ServerlessDeploymentBucket: 'CREATE_COMPLETE' } };
    if (!options.withoutPlugin) await plugin.hooks['before:aws:deploy:deploy:checkForChanges']!();
    // The framework's checkForChanges: nothing to deploy when the artifacts equal the last upload.
    serverless.service.provider.shouldNotDeploy = Boolean(options.unchangedSinceLastUpload);
    if (!options.withoutPlugin) await plugin.hooks['after:aws:deploy:deploy:checkForChanges']!();
    if (serverless.service.provider.shouldNotDeploy) return;
    updates.push(structuredClone(Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.Properties]))));
    if (options.updateFails) {
      // The rollback deletes what the update created; it can only if their protection is off.
      const blocked = Object.entries(resources).some(([id, resource]) => !stack!.resources[id] && (resource.Properties.DeletionProtection === 'ACTIVE' || resource.Properties.DeletionProtectionEnabled === true));
      stack = { status: blocked ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE', resources: stack.resources };
      throw new Error('update failed');
    }
    stack = { status: 'UPDATE_COMPLETE', resources: { ...stack.resources, ...Object.fromEntries(Object.keys(resources).map((id) => [id, stack!.resources[id] ?? 'CREATE_COMPLETE'])) } };
    if (!options.withoutPlugin) await plugin.hooks['after:aws:deploy:deploy:updateStack']!();
  };
  const serverless = {
    service: { provider: { compiledCloudFormationTemplate: { Resources: resources }, shouldNotDeploy: false } },
    getProvider: () => ({ naming: { getStackName: () => STACK }, getRegion: () => REGION, getCloudFormationClient: async () => client }),
    pluginManager: { spawn: async (lifecycle: string) => (expect(lifecycle).toBe('aws:deploy:deploy'), deployLifecycle()) },
  };
  plugin = new DeletionProtection(serverless, {}, { log: { notice: (text: string) => notices.push(text), warning: () => undefined } });
  return { deploy: deployLifecycle, updates, notices, state: () => stack };
}

describe('the deletion-protection plugin in a deploy (CloudFormation stand-in)', () => {
  it('first deploy: one update unprotected, then a second update that protects what now exists', async () => {
    const run = harness(undefined);
    await run.deploy();
    expect(run.updates).toEqual([
      { CognitoUserPool: { DeletionProtection: 'INACTIVE' }, ClientsTable: { DeletionProtectionEnabled: false }, RateLimitsTable: {} },
      { CognitoUserPool: { DeletionProtection: 'ACTIVE' }, ClientsTable: { DeletionProtectionEnabled: true }, RateLimitsTable: {} },
    ]);
    expect(run.notices.join('\n')).toMatch(/stays off while this deploy creates CognitoUserPool, ClientsTable/);
  });

  it('a failed first deploy rolls back completely, and the next deploy goes through with no manual step', async () => {
    const failing = harness(undefined, { updateFails: true });
    await expect(failing.deploy()).rejects.toThrow('update failed');
    expect(failing.state()!.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const retry = harness(failing.state());
    await retry.deploy();
    expect(retry.state()!.status).toBe('UPDATE_COMPLETE');
    expect(retry.updates.at(-1)).toMatchObject({ CognitoUserPool: { DeletionProtection: 'ACTIVE' } });
  });

  it('without the plugin, the same failure strands the stack in UPDATE_ROLLBACK_FAILED (the stand-in models the problem)', async () => {
    const run = harness(undefined, { updateFails: true, withoutPlugin: true });
    await expect(run.deploy()).rejects.toThrow('update failed');
    expect(run.state()!.status).toBe('UPDATE_ROLLBACK_FAILED');
  });

  it('a later deploy keeps protection on in a single update', async () => {
    const run = harness({ status: 'UPDATE_COMPLETE', resources: { ServerlessDeploymentBucket: 'CREATE_COMPLETE', CognitoUserPool: 'CREATE_COMPLETE', ClientsTable: 'UPDATE_COMPLETE', RateLimitsTable: 'CREATE_COMPLETE' } });
    await run.deploy();
    expect(run.updates).toHaveLength(1);
    expect(run.updates[0]).toMatchObject({ CognitoUserPool: { DeletionProtection: 'ACTIVE' }, ClientsTable: { DeletionProtectionEnabled: true } });
    expect(run.notices).toEqual([]);
  });

  it('deploys although the framework finds nothing changed when the stack’s protection differs (a second update that failed)', async () => {
    const existing = { ServerlessDeploymentBucket: 'CREATE_COMPLETE', CognitoUserPool: 'CREATE_COMPLETE', ClientsTable: 'UPDATE_ROLLBACK_COMPLETE', RateLimitsTable: 'CREATE_COMPLETE' };
    const unprotected = { CognitoUserPool: { Type: 'AWS::Cognito::UserPool', Properties: { DeletionProtection: 'INACTIVE' } }, ClientsTable: { Type: 'AWS::DynamoDB::Table', Properties: { DeletionProtectionEnabled: false } } };
    const run = harness({ status: 'UPDATE_ROLLBACK_COMPLETE', resources: existing, template: unprotected }, { unchangedSinceLastUpload: true });
    await run.deploy();
    expect(run.updates).toEqual([{ CognitoUserPool: { DeletionProtection: 'ACTIVE' }, ClientsTable: { DeletionProtectionEnabled: true }, RateLimitsTable: {} }]);
    expect(run.notices.join('\n')).toMatch(/deletion protection of CognitoUserPool, ClientsTable differs/);
    // The same with the stack already protected: nothing to deploy, as the framework decided.
    const protectedTemplate = { CognitoUserPool: { Type: 'AWS::Cognito::UserPool', Properties: { DeletionProtection: 'ACTIVE' } }, ClientsTable: { Type: 'AWS::DynamoDB::Table', Properties: { DeletionProtectionEnabled: true } } };
    const quiet = harness({ status: 'UPDATE_COMPLETE', resources: existing, template: protectedTemplate }, { unchangedSinceLastUpload: true });
    await quiet.deploy();
    expect(quiet.updates).toEqual([]);
  });

  it('stops before uploading anything when the stack is stuck, naming the command', async () => {
    const run = harness({ status: 'UPDATE_ROLLBACK_FAILED', resources: { ServerlessDeploymentBucket: 'CREATE_COMPLETE' } });
    await expect(run.deploy()).rejects.toThrow(/continue-update-rollback --stack-name secure-mcp-prod --region eu-west-1/);
    expect(run.updates).toEqual([]);
  });
});

describe("the README's recovery table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### When a deploy fails'), readme.indexOf('### Custom domain'));

  it('gives the same command the deploy prints for each stuck state', () => {
    const commands = (status: string) => [...plan({ status }, CORE).refusal!.matchAll(/aws cloudformation [a-z-]+ --stack-name secure-mcp-prod --region eu-west-1/g)].map((match) => match[0]);
    for (const status of ['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_COMPLETE']) {
      expect(commands(status).length, status).toBeGreaterThan(0);
      for (const command of commands(status)) expect(section, `${status}: ${command}`).toContain(command);
      expect(section).toContain(`| \`${status}\``);
    }
    // A failed first deploy needs nothing but the deploy itself.
    expect(section).toMatch(/\| `UPDATE_ROLLBACK_COMPLETE` after a first deploy \|[^\n]*npx serverless deploy --stage prod --region eu-west-1` again: nothing else/);
  });
});
