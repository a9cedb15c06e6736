import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** The p-th percentile of samples sorted in ascending order. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Median wall time of importing a bundle in a fresh Node process: module load plus whatever the
 * module does at cold start. The process exits right after, so work the module merely starts (a
 * JWKS download, say) is not waited for.
 */
export function medianColdLoadMs(file: string, env: Record<string, string | undefined>, runs: number): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    // The Lambda Node.js runtime defines the `awslambda` global before it loads a handler; a
    // streaming handler (functions/mcp/stream-handler.ts) calls awslambda.streamifyResponse at
    // import. A do-nothing stand-in, set before the clock starts, lets it load here. The runtime
    // has also loaded Node's http module by then (its Runtime API client, RAPIDClient, requires
    // it, and with it net and stream): loaded here too before the clock starts, so that a bundle
    // is not charged for built-ins a Lambda function gets already loaded.
    const script =
      `globalThis.awslambda??={streamifyResponse:(h)=>h,HttpResponseStream:{from:(s)=>s}};await import('node:http');` +
      `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t);process.exit(0)`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    times.push(Number(output.trim().split('\n').pop()));
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

/** `size KB   gzip KB` columns of a bundle. */
export function sizeColumns(file: string): string {
  const bytes = readFileSync(file);
  return `${(bytes.length / 1024).toFixed(1).padStart(7)} ${(gzipSync(bytes).length / 1024).toFixed(1).padStart(9)}`;
}
