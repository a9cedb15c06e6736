import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The p-th percentile of samples sorted in ascending order. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const COLD_START_PROCESS = join(import.meta.dirname, 'cold-start-process.mjs');

/** The Node binary a cold start runs on: this process's unless given (bench/deployed.ts starts Lambda's Node major). */
export interface ColdStartOptions {
  node?: string;
}

/**
 * Runs bench/cold-start-process.mjs once and returns the numbers of its last line. What the
 * function logs (Powertools writes its log records to standard output, as on Lambda) is not
 * printed; standard error only when the process fails.
 */
function coldStartProcess(file: string, env: Record<string, string | undefined>, event?: unknown, options: ColdStartOptions = {}): number[] {
  const output = execFileSync(options.node ?? process.execPath, [COLD_START_PROCESS, file, ...(event === undefined ? [] : [JSON.stringify(event)])], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return output.trim().split('\n').pop()!.split(' ').map(Number);
}

/**
 * One cold import of a bundle in a fresh Node process, started as the Lambda runtime starts a
 * handler (bench/cold-start-process.mjs): the wall time of module load plus whatever the module
 * does at cold start, and the CPU time the process spent on it (user + system, all threads). On
 * a busy machine the wall time includes waiting for a core; the CPU time does not, so it is the
 * steadier figure for a ratio.
 */
export function coldLoad(file: string, env: Record<string, string | undefined>, options?: ColdStartOptions): { wallMs: number; cpuMs: number } {
  const [wallMs, cpuMs] = coldStartProcess(file, env, undefined, options);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

/** A cold import as coldLoad's, then the first request: the bundle's handler called once with `event` (its rate-limit write answered by a DynamoDB stand-in). */
export function coldStart(
  file: string,
  env: Record<string, string | undefined>,
  event: unknown,
  options?: ColdStartOptions,
): { loadWallMs: number; loadCpuMs: number; callWallMs: number; callCpuMs: number } {
  const [loadWallMs, loadCpuMs, callWallMs, callCpuMs] = coldStartProcess(file, env, event, options);
  return { loadWallMs: loadWallMs!, loadCpuMs: loadCpuMs!, callWallMs: callWallMs!, callCpuMs: callCpuMs! };
}

/** Median wall time of `runs` cold imports of a bundle (coldLoad). */
export function medianColdLoadMs(file: string, env: Record<string, string | undefined>, runs: number, options?: ColdStartOptions): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push(coldLoad(file, env, options).wallMs);
  return percentile(times.sort((a, b) => a - b), 50);
}

/** `size KB   gzip KB` columns of a bundle. */
export function sizeColumns(file: string): string {
  const bytes = readFileSync(file);
  return `${(bytes.length / 1024).toFixed(1).padStart(7)} ${(gzipSync(bytes).length / 1024).toFixed(1).padStart(9)}`;
}
