import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Child processes of the local stack. Each runs in its own process group so that stopping it
 * also stops what it started itself (DynamoDB Local's JVM, offline's workers).
 */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Its stdout and stderr, in the data directory's logs/. */
  logFile: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { logDir: string; echo?: boolean },
): ManagedProcess {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (options.echo) process.stdout.write(prefixLines(name, chunk.toString()));
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(-1));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    name,
    child,
    logFile,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          signalGroup(child, 'SIGTERM');
          const killed = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
          if (!killed) signalGroup(child, 'SIGKILL');
          await exited;
        } else {
          // It exited by itself: what it started in its group may still run.
          signalGroup(child, 'SIGTERM');
        }
        // Its last output, then the log file complete (a failed start quotes it).
        await Promise.race([closed, delay(1000)]);
        await new Promise<void>((resolve) => log.end(() => resolve()));
      })();
      return stopping;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Synchronous last resort on process exit: signal every group we started. */
export function killAllSync(processes: ManagedProcess[]): void {
  for (const managed of processes) signalGroup(managed.child, 'SIGKILL');
}

function prefixLines(name: string, text: string): string {
  return text
    .split('\n')
    .filter((line, index, lines) => line.length > 0 || index < lines.length - 1)
    .map((line) => `[${name}] ${line}\n`)
    .join('');
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it resolves true, failing after `timeoutMs` or when the process exits. On
 * failure the process is stopped (a start that failed leaves nothing running) and the error
 * quotes the end of its log.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void options.process?.exited.then(() => {
    exited = true;
  });
  let failure = `${what} did not become ready within ${options.timeoutMs} ms`;
  while (Date.now() < deadline) {
    if (exited) {
      failure = `${what}: the process exited during start-up`;
      break;
    }
    if (await probe().catch(() => false)) return;
    await delay(100);
  }
  if (!options.process) throw new Error(failure);
  await options.process.stop();
  throw new Error(`${failure}; ${logTail(options.process.logFile)}`);
}

/** The last lines of a process's log, for an error message. */
export function logTail(file: string, lines = 10): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8').trimEnd();
  } catch {
    // No log yet.
  }
  if (text === '') return `its log ${file} is empty`;
  return `the end of its log ${file}:\n${text.split('\n').slice(-lines).map((line) => `  ${line}`).join('\n')}`;
}

export async function httpAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return true;
}
