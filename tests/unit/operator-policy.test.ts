import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The README's IAM policy for the operator CLI ("Production checklist") against the calls the CLI's
 * code makes: every action a command can call is allowed, and the policy allows nothing the CLI never
 * calls. Read from the source (the commands' SDK commands, and the shared modules they call through),
 * since the local stack's emulators check no IAM at all.
 */
const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const DOCUMENT_ACTIONS: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Scan: 'Scan', Query: 'Query' };
// Cognito does not govern RevokeToken by IAM: the app client authenticates it.
const NOT_IAM = new Set(['cognito-idp:RevokeToken']);

function actionsTheCliCalls(): Set<string> {
  const actions = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'admin')).filter((name) => name.endsWith('.ts'))) {
    for (const [, name] of read(`admin/${file}`).matchAll(/new (\w+)Command\(/g)) {
      actions.add(DOCUMENT_ACTIONS[name!] ? `dynamodb:${DOCUMENT_ACTIONS[name!]}` : `cognito-idp:${name}`);
    }
  }
  // What the CLI reaches through the shared modules (lib/user-revocation.ts, lib/revocations.ts).
  for (const [, name] of read('lib/user-revocation.ts').matchAll(/cognito\('(\w+)'/g)) actions.add(`cognito-idp:${name}`);
  for (const [, method] of read('lib/revocations.ts').matchAll(/documents\.(get|put|update|delete|scan|query)\(/g)) {
    actions.add(`dynamodb:${DOCUMENT_ACTIONS[method!.charAt(0).toUpperCase() + method!.slice(1)]}`);
  }
  for (const action of NOT_IAM) actions.delete(action);
  return actions;
}

function documentedPolicy(): { Statement: Array<{ Action: string[]; Resource: string | string[] }> } {
  const block = /<!-- operator-policy:begin -->\s*```json\n([\s\S]*?)```\s*<!-- operator-policy:end -->/.exec(read('README.md'));
  if (!block) throw new Error('README.md has no operator-policy block');
  return JSON.parse(block[1]!) as { Statement: Array<{ Action: string[]; Resource: string | string[] }> };
}

describe("the operator CLI's IAM policy (README, Production checklist)", () => {
  it('allows every action the CLI calls, and nothing it does not', () => {
    const called = actionsTheCliCalls();
    // Not vacuous: the commands of the first day are among them.
    for (const action of ['cognito-idp:ListUserPools', 'cognito-idp:CreateUserPoolClient', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminAddUserToGroup', 'dynamodb:PutItem']) {
      expect(called).toContain(action);
    }
    const allowed = new Set(documentedPolicy().Statement.flatMap((statement) => statement.Action));
    expect([...called].filter((action) => !allowed.has(action)).sort()).toEqual([]);
    expect([...allowed].filter((action) => !called.has(action)).sort()).toEqual([]);
  });

  it('gives ListUserPools, which has no resource-level permission, the only "*" resource, and names the three tables', () => {
    const statements = documentedPolicy().Statement;
    for (const statement of statements) {
      if (statement.Resource === '*') expect(statement.Action).toEqual(['cognito-idp:ListUserPools']);
    }
    const tables = statements.flatMap((statement) => [statement.Resource].flat()).filter((resource) => resource.includes(':table/'));
    expect(tables.sort()).toEqual(['api-keys', 'clients', 'revocations'].map((table) => `arn:aws:dynamodb:{region}:{account}:table/secure-mcp-{stage}-${table}`));
  });
});
