/**
 * SigV4 signers side by side, in one run (issue 10: the per-call signature was most of a warm MCP
 * tools/call beyond the bare handler): the in-house lib/aws/sigv4.ts, the AWS SDK's own signer
 * (@smithy/signature-v4 with the node:crypto Hash of @smithy/hash-node, now @smithy/core/serde), each
 * bundled alone with the functions' esbuild settings (KB it adds to a bundle, cold import), and the
 * time per signature of the same DynamoDB UpdateItem, warm, signing key cached as each caches it.
 * (aws4fetch, which the functions signed with before, measured 6.3 KB, 6.7 ms cold import and
 * 659 µs per signature in the run that chose the in-house signer; it is no longer a dependency.)
 */
// @smithy/hash-node now ships inside @smithy/core (its serde submodule), as installed here.
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signRequest } from '../lib/aws/sigv4.js';
import { bundle } from './floor.js';
import { coldLoad, percentile, sizeColumns } from './measure.js';

const ROOT = resolve(import.meta.dirname, '..');
const SIGNATURES = 5000;
const COLD_RUNS = 15;

const credentials = { accessKeyId: 'ASIABENCH', secretAccessKey: 'bench-secret', sessionToken: 'bench-session-token' };
const url = 'https://dynamodb.us-east-1.amazonaws.com/';
const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem' };
const body = JSON.stringify({ TableName: 'rate-limits', Key: { pk: { S: 'user#bench-user#minute' } }, UpdateExpression: 'ADD #c :one', ExpressionAttributeNames: { '#c': 'count' } });

const smithy = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
const signers: Record<string, { entry: string; sign: () => Promise<unknown> | unknown }> = {
  'in-house (node:crypto)': {
    entry: `export { signRequest } from ${JSON.stringify(join(ROOT, 'lib', 'aws', 'sigv4.ts'))};`,
    sign: () => signRequest({ method: 'POST', url, headers, body }, credentials, { service: 'dynamodb', region: 'us-east-1' }),
  },
  '@smithy/signature-v4': {
    entry: `export { SignatureV4 } from '@smithy/signature-v4'; export { Hash } from '@smithy/core/serde';`,
    sign: () =>
      smithy.sign(
        { method: 'POST', protocol: 'https:', hostname: 'dynamodb.us-east-1.amazonaws.com', path: '/', query: {}, headers: { ...headers, host: 'dynamodb.us-east-1.amazonaws.com' }, body },
        { unsignableHeaders: new Set(['content-type']) },
      ),
  },
};

export async function benchSigner(): Promise<void> {
  // Inside node_modules, so that the entries resolve the project's packages.
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.bench-signer-'));
  try {
    const files: Record<string, string> = {};
    for (const [index, [name, { entry }]] of Object.entries(signers).entries()) {
      const source = join(dir, `entry-${index}.ts`);
      writeFileSync(source, entry);
      files[name] = join(dir, `bundle-${index}.mjs`);
      await bundle(source, files[name]!);
    }
    const cold: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
    for (let run = 0; run < COLD_RUNS; run++) for (const [name, file] of Object.entries(files)) cold[name]!.push(coldLoad(file, {}).cpuMs);
    const perSignature: Record<string, number> = {};
    for (let round = 0; round < 3; round++) {
      // Interleaved rounds, best of three: a busy moment weighs on each alike.
      for (const [name, { sign }] of Object.entries(signers)) {
        for (let index = 0; index < 200; index++) await sign();
        const started = performance.now();
        for (let index = 0; index < SIGNATURES; index++) await sign();
        const us = ((performance.now() - started) * 1000) / SIGNATURES;
        perSignature[name] = Math.min(perSignature[name] ?? Infinity, us);
      }
    }
    console.log('\nSigV4 signers (each bundled alone with the functions\' esbuild settings; warm signature of a DynamoDB UpdateItem)');
    console.log(`signer                    size KB   gzip KB   cold import CPU ms (median of ${COLD_RUNS})   µs per signature (best of 3 x ${SIGNATURES})`);
    for (const name of Object.keys(signers)) {
      const samples = cold[name]!.sort((a, b) => a - b);
      console.log(`${name.padEnd(24)}${sizeColumns(files[name]!)} ${percentile(samples, 50).toFixed(1).padStart(12)} ${perSignature[name]!.toFixed(1).padStart(30)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
