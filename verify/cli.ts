/**
 * `npm run verify -- <URL>`: an MCP endpoint checked as a client meets it (see verify/options.ts
 * for the checks and options; the checks themselves are listed in verify/checks/index.ts).
 */
import { type CheckResult, exitCodeOf, formatResult, runChecklist, summary } from './checklist.js';
import { CHECKS } from './checks/index.js';
import { HELP, UsageError, parseCommand } from './options.js';
import { TargetError, parseTarget } from './target.js';

export type Output = (line: string) => void;

export async function runVerify(argv: string[], env: NodeJS.ProcessEnv = process.env, out: Output = console.log, err: Output = console.error): Promise<number> {
  let command;
  let target;
  try {
    command = parseCommand(argv, env);
    if (command.help) {
      out(HELP);
      return 0;
    }
    target = parseTarget(command.options!.url);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof TargetError)) throw error;
    err(`Error: ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  const options = command.options!;
  const json = command.json;
  if (!json) out(`Checking ${target.mcpUrl}${options.user ? ` (signed in as ${options.user})` : ' (no credentials: the signed-in checks are skipped)'}\n`);
  const results: CheckResult[] = await runChecklist(CHECKS, { options, target }, (result) => {
    if (!json) out(formatResult(result));
  });
  const exitCode = exitCodeOf(results);
  if (json) out(JSON.stringify({ mcpUrl: target.mcpUrl, ok: exitCode === 0, results }, null, 2));
  else out(`\n${summary(results)}: ${exitCode === 0 ? 'all checks passed' : 'FAILED'}`);
  return exitCode;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runVerify(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
