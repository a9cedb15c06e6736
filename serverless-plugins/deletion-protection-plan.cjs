'use strict';

/**
 * When deletion protection may be on, decided from the stack as it is before a deploy's update.
 *
 * The framework (osls, deploymentMethod direct) deploys a new stage in two steps: CreateStack with
 * only its deployment bucket, then UpdateStack with everything else. When that update fails,
 * CloudFormation rolls it back by deleting what it created, and RetainExceptOnCreate lets it delete
 * the user pool and the tables (it retains them only on later operations). But a resource whose
 * deletion protection is on refuses the delete, the rollback fails, and the stack is left in
 * UPDATE_ROLLBACK_FAILED, which no later deploy can update.
 *
 * So a protected resource gets its protection only once it exists in the stack: the deploy that
 * creates it creates it unprotected (its rollback can delete it), and the next update switches the
 * protection on (a rollback of that update restores the previous, unprotected, setting; a later
 * failed update leaves an existing resource alone). serverless-plugins/deletion-protection.cjs runs
 * that next update itself, in the same `serverless deploy`, right after a successful first one.
 *
 * Pure: the stack's state in, the decision out (tests/unit/deletion-protection.test.ts walks it
 * through the framework's sequence of stack states).
 */

/** Resource statuses of a resource that exists (was created, and not deleted since). */
const EXISTS = new Set([
  'CREATE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

/**
 * Stack states no `serverless deploy` can go on from, each with what the operator runs (the
 * README's "When a deploy fails" gives the same commands).
 */
function stuckStackAdvice(stackName, region, status) {
  const where = `--stack-name ${stackName} --region ${region}`;
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return (
      `the stack ${stackName} is in UPDATE_ROLLBACK_FAILED: a rollback could not undo a change. Finish the rollback, ` +
      `then deploy again: aws cloudformation continue-update-rollback ${where} ` +
      '(add --resources-to-skip <LogicalId> for a resource CloudFormation still cannot roll back; its events name it)'
    );
  }
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    return (
      `the stack ${stackName} is in ${status}: its creation failed and it can only be deleted. ` +
      `Delete it, then deploy again: aws cloudformation delete-stack ${where} && aws cloudformation wait stack-delete-complete ${where}`
    );
  }
  if (status === 'DELETE_FAILED') {
    return `the stack ${stackName} is in DELETE_FAILED: finish the remove first (npx serverless remove, or aws cloudformation delete-stack ${where}), then deploy again`;
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return `the stack ${stackName} is in ${status}: another operation is running on it; wait for it to end (aws cloudformation wait stack-update-complete ${where}), then deploy again`;
  }
  return undefined;
}

/**
 * @param {{ stackName: string, region: string,
 *   wanted: Record<string, boolean>,   // protection each resource asks for (the deletionProtection parameter)
 *   stack?: { status: string },        // undefined: there is no stack yet
 *   resources: Record<string, string>, // logical id -> resource status, as ListStackResources reports them
 * }} input
 * @returns {{ protect: Record<string, boolean>, deferred: string[], refusal?: string }}
 *   protect: what each resource gets in this deploy; deferred: those left off this time (created by it);
 *   refusal: why no deploy can proceed from this stack state, with the command that gets it out.
 */
function deletionProtectionPlan({ stackName, region, wanted, stack, resources }) {
  const refusal = stack ? stuckStackAdvice(stackName, region, stack.status) : undefined;
  const protect = {};
  const deferred = [];
  for (const [id, on] of Object.entries(wanted)) {
    const exists = stack !== undefined && EXISTS.has(resources[id]);
    protect[id] = on && exists;
    if (on && !exists) deferred.push(id);
  }
  return { protect, deferred, ...(refusal ? { refusal } : {}) };
}

/** The protection property each protectable resource type has, and its on/off values. */
const PROTECTION = {
  'AWS::DynamoDB::Table': { property: 'DeletionProtectionEnabled', on: true, off: false },
  'AWS::Cognito::UserPool': { property: 'DeletionProtection', on: 'ACTIVE', off: 'INACTIVE' },
};

/** What protection each resource of a compiled template asks for (only resources that have the property). */
function wantedProtection(resources) {
  const wanted = {};
  for (const [id, resource] of Object.entries(resources)) {
    const kind = PROTECTION[resource.Type];
    const value = kind && resource.Properties?.[kind.property];
    if (value === undefined || value === null) continue;
    if (value !== kind.on && value !== kind.off) throw new Error(`deletion-protection: ${id}.${kind.property} is ${JSON.stringify(value)}, not ${kind.on} or ${kind.off}`);
    wanted[id] = value === kind.on;
  }
  return wanted;
}

/** Writes a plan's protection into a compiled template. */
function applyProtection(resources, protect) {
  for (const [id, on] of Object.entries(protect)) {
    const kind = PROTECTION[resources[id].Type];
    resources[id].Properties[kind.property] = on ? kind.on : kind.off;
  }
}

module.exports = { deletionProtectionPlan, wantedProtection, applyProtection, stuckStackAdvice };
