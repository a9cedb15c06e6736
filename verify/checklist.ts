/**
 * The checklist `npm run verify` prints: an ordered table of checks over one shared context, each
 * passing, failing with a one-line cause, or skipped with the reason. A check whose prerequisite did
 * not pass is skipped rather than run against state that does not exist.
 */

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  outcome: Outcome;
  /** Pass: what was seen (short). Fail: the cause. Skip: why it did not run. */
  detail?: string;
  durationMs: number;
}

/** Thrown by a check: the one-line cause printed beside it. */
export class CheckFailed extends Error {}

/** Thrown by a check that cannot apply here (no credentials, an option turned it off). */
export class CheckSkipped extends Error {}

export const fail = (cause: string): never => {
  throw new CheckFailed(cause);
};

export const skip = (reason: string): never => {
  throw new CheckSkipped(reason);
};

export interface Check<Context> {
  id: string;
  title: string;
  /** Ids of checks that must have passed first; otherwise this one is skipped. */
  needs?: readonly string[];
  /** Runs whatever happened before (clean-up). */
  always?: boolean;
  /** Resolves with a short note of what was seen, or throws CheckFailed / CheckSkipped. */
  run(context: Context): Promise<string | void>;
}

export async function runChecklist<Context>(
  checks: readonly Check<Context>[],
  context: Context,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const passed = new Set<string>();
  for (const check of checks) {
    const started = Date.now();
    const missing = (check.needs ?? []).filter((id) => !passed.has(id));
    let result: CheckResult;
    if (missing.length > 0 && !check.always) {
      const why = missing.map((id) => `${id} ${results.find((earlier) => earlier.id === id)?.outcome === 'fail' ? 'failed' : 'did not run'}`);
      result = { id: check.id, title: check.title, outcome: 'skip', detail: `not run: ${why.join(', ')}`, durationMs: 0 };
    } else {
      try {
        const note = await check.run(context);
        result = { id: check.id, title: check.title, outcome: 'pass', ...(note ? { detail: note } : {}), durationMs: Date.now() - started };
        passed.add(check.id);
      } catch (error) {
        const outcome: Outcome = error instanceof CheckSkipped ? 'skip' : 'fail';
        result = { id: check.id, title: check.title, outcome, detail: causeOf(error), durationMs: Date.now() - started };
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

/** One line, whatever was thrown: a check's own cause, or the unexpected error's message. */
export function causeOf(error: unknown): string {
  if (error instanceof CheckFailed || error instanceof CheckSkipped) return oneLine(error.message);
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return oneLine(`${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${cause}`);
  }
  return oneLine(String(error));
}

export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const MARKS: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatResult(result: CheckResult): string {
  return `${MARKS[result.outcome]}  [${result.id}] ${result.title}${result.detail ? ` — ${result.detail}` : ''}`;
}

export function summary(results: readonly CheckResult[]): string {
  const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
  return `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`;
}

/** Exit status: 0 only when nothing failed (skips by choice, such as no credentials, do not fail). */
export const exitCodeOf = (results: readonly CheckResult[]) => (results.some((result) => result.outcome === 'fail') ? 1 : 0);
