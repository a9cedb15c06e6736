import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { type LocalStackSettings, portVariable } from './settings.js';
import type { StackInfo } from './stack.js';

/**
 * What `npm start` checks before it starts anything, so that a start fails with the cause named
 * (Java missing, a port taken, a stack already there) instead of half-way, with an empty log.
 */

export const JAVA_HINT =
  'DynamoDB Local runs on Java 17 or newer: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; ' +
  'macOS: brew install openjdk@17) and make sure `java -version` works in this shell';

/** The Java major version `java -version` reports ("1.8.0_402" is 8, "17.0.15" is 17), if any. */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Why the `java -version` run cannot start DynamoDB Local, or undefined when it can. */
export function javaProblem(run: { error?: Error | undefined; status: number | null; output: string }): string | undefined {
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    return `${missing ? 'Java was not found (no `java` on PATH)' : `Java could not be run (${run.error.message})`}. ${JAVA_HINT}`;
  }
  if (run.status !== 0) return `\`java -version\` failed (exit ${run.status}): ${run.output.trim().split('\n')[0] ?? ''}. ${JAVA_HINT}`;
  const major = javaMajorVersion(run.output);
  if (major === undefined) return `\`java -version\` printed no version this check understands: ${run.output.trim().split('\n')[0] ?? ''}. ${JAVA_HINT}`;
  if (major < 17) return `Java ${major} is too old. ${JAVA_HINT}`;
  return undefined;
}

export function checkJava(env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync('java', ['-version'], { env, encoding: 'utf8', timeout: 30_000 });
  const problem = javaProblem({ error: run.error, status: run.status, output: `${run.stderr ?? ''}${run.stdout ?? ''}` });
  if (problem) throw new Error(problem);
}

const PORT_KEYS = ['apiPort', 'offlinePort', 'offlineLambdaPort', 'cognitoPort', 'dynamoDbPort', 'secretsPort'] as const;

/** Whether something listens on the port already (DynamoDB Local binds every interface, so do we here). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Refuses to start while any port of the stack is taken, naming each port and its variable. */
export async function checkPortsFree(settings: LocalStackSettings): Promise<void> {
  const taken: string[] = [];
  for (const key of PORT_KEYS) {
    if (await portTaken(settings[key])) taken.push(`${settings[key]} (${portVariable(key)})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `Port${taken.length > 1 ? 's' : ''} already in use: ${taken.join(', ')}. Another program (or another local stack) listens there: ` +
        'stop it, or move this stack with the MCP_LOCAL_*_PORT variables',
    );
  }
}

/** What an existing stack.json says, and what `npm start` should do about it. */
export type ExistingStack =
  | { kind: 'none' }
  /** A stack answers: nothing to start. */
  | { kind: 'running'; info: StackInfo }
  /** Left by a stack that is gone (its process no longer exists, or the file is unreadable): remove it. */
  | { kind: 'stale' }
  /** Its process lives but its API does not answer: neither started nor removed, the operator decides. */
  | { kind: 'unclear'; message: string };

export interface StackProbes {
  isAlive(pid: number): boolean;
  answers(baseUrl: string): Promise<boolean>;
}

/**
 * The "already running" decision. The file is only ever declared stale when the process that wrote
 * it is gone: a live process whose API does not answer (still starting, stuck, or on a port fetch
 * refuses) keeps its file, since deleting it would orphan a running stack.
 */
export async function inspectExistingStack(file: string, probes: StackProbes = defaultProbes): Promise<ExistingStack> {
  if (!existsSync(file)) return { kind: 'none' };
  let info: StackInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  } catch {
    return { kind: 'stale' };
  }
  if (typeof info.pid !== 'number' || !probes.isAlive(info.pid)) return { kind: 'stale' };
  if (await probes.answers(info.baseUrl)) return { kind: 'running', info };
  return {
    kind: 'unclear',
    message:
      `${file} names process ${info.pid}, which is running, but ${info.baseUrl}/health does not answer. ` +
      `If it is a local stack (still starting, or stuck), stop it (kill ${info.pid}) and start again; ` +
      `if process ${info.pid} is something else now, delete ${file}. Nothing was started.`,
  };
}

const defaultProbes: StackProbes = {
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, under another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  answers: (baseUrl) =>
    fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) })
      .then((response) => response.ok)
      .catch(() => false),
};
