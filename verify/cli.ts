/**
 * `npm run verify -- <URL>`: an MCP endpoint checked as a client meets it (see verify/options.ts
 * for the checks and options; the checks themselves are listed in verify/checks/index.ts).
 */
import { type CheckResult, causeOf, exitCodeOf, formatResult, runChecklist, summary } from './checklist.js';
import { CHECKS } from './checks/index.js';
import type { VerifyContext } from './context.js';
import { deleteRegistration } from './registration.js';
import { HELP, UsageError, parseCommand } from './options.js';
import { TargetError, parseTarget } from './target.js';

export type Output = (line: string) => void;

export interface VerifyIo {
  out?: Output;
  err?: Output;
  /** Called with the run's context once it exists (the command line uses it on Ctrl-C). */
  onStart?: (context: VerifyContext) => void;
}

export async function runVerify(argv: string[], env: NodeJS.ProcessEnv = process.env, io: VerifyIo = {}): Promise<number> {
  const { out = console.log, err = console.error } = io;
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
  const context: VerifyContext = { options, target, undeleted: new Set() };
  io.onStart?.(context);
  const results: CheckResult[] = await runChecklist(CHECKS, context, (result) => {
    if (!json) out(formatResult(result));
  });
  const exitCode = exitCodeOf(results);
  if (json) out(JSON.stringify({ mcpUrl: target.mcpUrl, ok: exitCode === 0, results }, null, 2));
  else out(`\n${summary(results)}: ${exitCode === 0 ? 'all checks passed' : 'FAILED'}`);
  return exitCode;
}

/** Ctrl-C: the clients this run registered are deleted before it exits, rather than left in the pool. */
async function deleteOnInterrupt(context: VerifyContext): Promise<never> {
  const left = [...context.undeleted];
  if (left.length) console.error(`\nInterrupted: deleting the ${left.length === 1 ? 'client' : `${left.length} clients`} this run registered…`);
  for (const registration of left) {
    await deleteRegistration(registration, context.undeleted).then(
      () => console.error(`client ${registration.clientId} deleted`),
      (error: unknown) => console.error(causeOf(error)),
    );
  }
  process.exit(130);
}

/**
 * The first Ctrl-C deletes; the same signal again within 2 s is its echo (npm and tsx pass a
 * terminal's SIGINT on to a process that the terminal already signalled) and is ignored; a later
 * one stops at once.
 */
function interruptHandler(context: VerifyContext) {
  let first: number | undefined;
  return () => {
    if (first === undefined) {
      first = Date.now();
      void deleteOnInterrupt(context);
    } else if (Date.now() - first > 2000) {
      process.exit(130);
    }
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runVerify(process.argv.slice(2), process.env, { onStart: (context) => process.on('SIGINT', interruptHandler(context)) }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
