/**
 * One warm handler in a process of its own, as on Lambda (a function's container runs nothing
 * else): `node --import tsx bench/warm-process.ts <mcp|bare> <modern|legacy> <runs> [lease]` warms the
 * handler up, times `runs` tools/call requests one by one and prints their median and mean in ms
 * (the mean carries the rate limit's DynamoDB reservation, made once per lease of requests).
 * bench/floor.ts starts it, alternating handlers. Two handlers in one process share the SDK's
 * code, whose call sites then see both and run slower than either does alone (measured here: the
 * MCP handler's 2026-07-28 median 0.45 ms beside the bare one, 0.26 ms alone).
 */
import { answerMcpRequest } from '../functions/mcp/mcp-endpoint.js';
import { handler as bareHandler } from './bare-mcp.js';
import { benchEndpoint, event } from './mcp-handler.js';
import { percentile } from './measure.js';

const WARMUP = 2000;

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A tools/call of `name` as a client of that era sends it: 2026-07-28 with its envelope and standard headers. */
export function toolsCall(name: string, args: Record<string, unknown>, modern: boolean): { body: unknown; headers: Record<string, string> } {
  return {
    body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, ...(modern ? { _meta: META } : {}) } },
    headers: modern ? { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': name } : { 'MCP-Protocol-Version': '2025-11-25' },
  };
}

async function main(): Promise<void> {
  const [which, era, runsArgument, leaseArgument] = process.argv.slice(2);
  const modern = era === 'modern';
  const runs = Number(runsArgument);
  if ((which !== 'mcp' && which !== 'bare') || (!modern && era !== 'legacy') || !(runs > 0)) {
    throw new Error('usage: warm-process.ts <mcp|bare> <modern|legacy> <runs> [rate-limit lease]');
  }
  // The MCP handler calls whoami (no DynamoDB beyond the rate limit); the bare one its echo tool.
  const request = which === 'mcp' ? toolsCall('whoami', {}, modern) : toolsCall('echo', { text: 'hi' }, modern);
  const { endpoint } = benchEndpoint(leaseArgument === undefined ? undefined : Number(leaseArgument));
  const run = which === 'mcp' ? () => answerMcpRequest(event(request.body, request.headers), endpoint) : () => bareHandler(event(request.body, request.headers));
  const check = (answer: { statusCode: number; body: string }) => {
    if (answer.statusCode !== 200 || answer.body.includes('"isError":true')) throw new Error(`${which} answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
  };
  for (let index = 0; index < WARMUP; index++) check(await run());
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    const answer = await run();
    times.push(performance.now() - started);
    check(answer);
  }
  const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
  console.log(`${percentile(times.sort((a, b) => a - b), 50)} ${mean}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
