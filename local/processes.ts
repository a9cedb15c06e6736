import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Child processes of the local stack. Each runs in its own process group so that stopping it
 * also stops what it started itself (DynamoDB Local's JVM, offline's workers).
 */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
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
  const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
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
  let stopping: Promise<void> | undefined;
  return {
    name,
    child,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalGroup(child, 'SIGTERM');
        const killed = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
        if (!killed) signalGroup(child, 'SIGKILL');
        await exited;
        log.end();
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

/** Polls `probe` until it resolves true, failing after `timeoutMs` or when the process exits. */
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
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what}: the process exited during start-up (see its log in the data directory)`);
    if (await probe().catch(() => false)) return;
    await delay(100);
  }
  throw new Error(`${what} did not become ready within ${options.timeoutMs} ms`);
}

export async function httpAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return true;
}
