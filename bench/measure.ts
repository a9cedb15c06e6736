import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** The p-th percentile of samples sorted in ascending order. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One cold import of a bundle in a fresh Node process: the wall time of module load plus whatever
 * the module does at cold start, and the CPU time the process spent on it (user + system, all
 * threads). The process exits right after, so work the module merely starts (a JWKS download,
 * say) is not waited for. On a busy machine the wall time includes waiting for a core; the CPU
 * time does not, so it is the steadier figure for a ratio.
 */
export function coldLoad(file: string, env: Record<string, string | undefined>): { wallMs: number; cpuMs: number } {
  // The Lambda Node.js runtime defines the `awslambda` global before it loads a handler; a
  // streaming handler (functions/mcp/stream-handler.ts) calls awslambda.streamifyResponse at
  // import. A do-nothing stand-in, set before the clock starts, lets it load here. The runtime
  // has also loaded some of Node's built-ins by then: those the runtime interface client requires
  // at its own start (aws-lambda-ric 4.0.2, dist index.mjs: fs, net, http, os, util, path,
  // worker_threads). They are loaded here too before the clock starts, so that a bundle is not
  // charged for built-ins a Lambda function gets already loaded.
  const script =
    `globalThis.awslambda??={streamifyResponse:(h)=>h,HttpResponseStream:{from:(s)=>s}};` +
    `for(const m of ['fs','net','http','os','util','path','worker_threads'])await import('node:'+m);` +
    `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(file)});` +
    `const w=performance.now()-t,u=process.cpuUsage(c);console.log(w,(u.user+u.system)/1000);process.exit(0)`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  const [wallMs, cpuMs] = output.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

/** Median wall time of `runs` cold imports of a bundle (coldLoad). */
export function medianColdLoadMs(file: string, env: Record<string, string | undefined>, runs: number): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push(coldLoad(file, env).wallMs);
  return percentile(times.sort((a, b) => a - b), 50);
}

/** `size KB   gzip KB` columns of a bundle. */
export function sizeColumns(file: string): string {
  const bytes = readFileSync(file);
  return `${(bytes.length / 1024).toFixed(1).padStart(7)} ${(gzipSync(bytes).length / 1024).toFixed(1).padStart(9)}`;
}
