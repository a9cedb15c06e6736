import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/settings.js';
import { deployedFolders } from '../../scripts/deployed-code.js';

/**
 * Lambda freezes the environment when a handler returns, so code that runs in a function must
 * not start a promise and walk away from it. The static half of that rule, checked with the
 * type checker over the code that is deployed: an expression statement whose value is a promise
 * (a call that is neither awaited, returned nor assigned), `void promise`, and `.catch(...)` or
 * `.then(...)` left dangling are all refused. The dynamic half, against DynamoDB Local with every
 * real handler, is tests/integration/handler-lifecycle.test.ts.
 */
const DEPLOYED = deployedFolders();
const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

function floatingPromises(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  })!;
  const roots = config.fileNames.filter((file) => DEPLOYED.some((dir) => relative(PROJECT_ROOT, file).startsWith(`${dir}/`)));
  const program = ts.createProgram(roots, config.options);
  const checker = program.getTypeChecker();
  const isThenable = (type: ts.Type): boolean =>
    type.isUnion() ? type.types.some(isThenable) : checker.getPropertyOfType(type, 'then') !== undefined;
  const found: string[] = [];
  for (const source of program.getSourceFiles()) {
    if (!roots.includes(source.fileName)) continue;
    const visit = (node: ts.Node) => {
      if (ts.isExpressionStatement(node)) {
        const expression = ts.isVoidExpression(node.expression) ? node.expression.expression : node.expression;
        // `x = promise` and `x ??= promise` keep it: whoever reads x awaits it.
        const kept = ts.isBinaryExpression(expression) && ASSIGNMENTS.has(expression.operatorToken.kind);
        if (!kept && !ts.isAwaitExpression(expression) && isThenable(checker.getTypeAtLocation(expression))) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${relative(PROJECT_ROOT, source.fileName)}:${line + 1}: ${node.getText().split('\n')[0]}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('deployed code leaves no promise running', () => {
  // Builds a type-checked program of the deployed code (the AWS SDK's declarations included): slow.
  it('has no floating promise (not awaited, returned or kept)', { timeout: 180_000 }, () => {
    expect(floatingPromises()).toEqual([]);
  });
});
