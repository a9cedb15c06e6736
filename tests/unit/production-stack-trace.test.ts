import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageInScratchCopy } from '../../scripts/package-service.js';
import { mapTrace, sourceMapsIn, tracesIn } from '../../scripts/source-mapped-trace.js';
import { node22 } from '../support/conformance-cli.js';

/**
 * Production stack traces (README, "Reading a production stack trace"): the functions run without
 * runtime source maps, the maps stay beside the package (.serverless/sourcemaps), and
 * `npm run stack-trace` maps a logged trace back to the TypeScript. Packages the real service
 * (offline), starts real packaged bundles on Node 22 (Lambda's nodejs22.x) until they throw, and
 * maps what they printed.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
let dir: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
/** Where Lambda would unpack each zip: a task root per function. */
let taskRoots: Record<string, string>;

beforeAll(() => {
  dir = packageInScratchCopy({ stage: 'prod', region: 'eu-west-1', prefix: 'mcp-stack-trace-' });
  template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'));
  taskRoots = {};
  for (const zip of readdirSync(join(dir, '.serverless')).filter((file) => file.endsWith('.zip'))) {
    const taskRoot = join(dir, 'var', zip.replace('.zip', ''), 'task');
    mkdirSync(taskRoot, { recursive: true });
    execFileSync('unzip', ['-q', join(dir, '.serverless', zip), '-d', taskRoot]);
    taskRoots[zip.replace('.zip', '')] = taskRoot;
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(join(ROOT, file), 'utf8').split('\n').findIndex((line) => line.includes(text));
  expect(index, `${text} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** Imports a packaged bundle on Node 22 with an empty environment (every function's configuration is then invalid) and returns the trace it printed. */
function traceOfFailedColdStart(bundle: string): string {
  const script = `import(${JSON.stringify(bundle)}).then(() => console.log('loaded'), (error) => console.log(error.stack))`;
  return execFileSync(node22(), ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
}

function stackTrace(input: string, ...args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'stack-trace.ts'), ...args], { input, encoding: 'utf8', cwd: ROOT });
}

describe('production stack traces', () => {
  it('ships no source map and no --enable-source-maps; every bundle has its map beside the package', () => {
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) expect(fn.Properties.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
    for (const [name, taskRoot] of Object.entries(taskRoots)) {
      const files = execFileSync('find', ['.', '-type', 'f'], { cwd: taskRoot, encoding: 'utf8' }).trim().split('\n');
      expect(files.filter((file) => file.endsWith('.map')), name).toEqual([]);
      const bundle = files.find((file) => file.endsWith('.mjs'))!;
      expect(readFileSync(join(taskRoot, bundle), 'utf8')).not.toContain('sourceMappingURL');
      expect(existsSync(join(dir, '.serverless', 'sourcemaps', `${bundle.slice(2)}.map`)), name).toBe(true);
    }
  });

  it('maps a trace thrown inside the packaged authorizer back to the TypeScript function and line', () => {
    const trace = traceOfFailedColdStart(join(taskRoots.authorizer!, 'authorizer', 'handler.mjs'));
    expect(trace).toMatch(/^ConfigurationError: Invalid configuration: USER_POOL_ID: is required/);
    expect(trace).not.toContain('config.ts');
    // As Lambda prints it: the task root is /var/task.
    const logged = trace.replaceAll(`file://${taskRoots.authorizer}`, 'file:///var/task');
    const { stdout, stderr, status } = stackTrace(logged, '--maps', join(dir, '.serverless', 'sourcemaps'));
    expect(status, stderr).toBe(0);
    const throwLine = lineOf('authorizer/config.ts', 'if (problems.length > 0) throw new ConfigurationError');
    expect(stdout).toMatch(new RegExp(`^    at loadAuthorizerConfig \\(authorizer/config\\.ts:${throwLine}:\\d+\\)$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^    at authorizer/handler\\.ts:${lineOf('authorizer/handler.ts', 'const config = loadAuthorizerConfig()')}:\\d+$`, 'm'));
    expect(stdout.split('\n')[0]).toBe(trace.split('\n')[0]);
    // The build the map is of: the SHA-256 of the zip, as Lambda reports CodeSha256.
    const zipSha256 = createHash('sha256').update(readFileSync(join(dir, '.serverless', 'authorizer.zip'))).digest('base64');
    expect(stderr).toContain(`authorizer/handler.mjs mapped with the build whose zip has CodeSha256 ${zipSha256}`);
    expect(stderr).toContain('--function-name secure-mcp-prod-authorizer');
  });

  it("maps the MCP function's trace from the Lambda runtime's JSON error record", () => {
    const trace = traceOfFailedColdStart(join(taskRoots.mcp!, 'functions', 'mcp', 'stream-handler.mjs'));
    const lines = trace.trim().replaceAll(`file://${taskRoots.mcp}`, 'file:///var/task').split('\n');
    // The shape the Node.js runtime logs an import-time failure in (errorType, errorMessage, stack as lines).
    const record = JSON.stringify({ errorType: 'ConfigurationError', errorMessage: lines[0]!.replace(/^[^:]+: /, ''), stack: lines });
    const { text, unmapped } = mapTrace(tracesIn(`2026-12-07T10:00:00.000Z\tundefined\tERROR\tUncaught Exception \t${record}\n`), sourceMapsIn(join(dir, '.serverless', 'sourcemaps')));
    expect(unmapped).toBe(0);
    expect(text).toMatch(new RegExp(`\\(lib/config\\.ts:${lineOf('lib/config.ts', 'throw new ConfigurationError')}:\\d+\\)`));
    expect(text).toMatch(/\(functions\/mcp\/config\.ts:\d+:\d+\)/);
  });

  it('says so when no map of that build covers a position, and leaves it as it was', () => {
    const position = 'file:///var/task/functions/other/handler.mjs:1:200';
    const { text, mapped, unmapped } = mapTrace(tracesIn(`Error: x\n    at f (${position})\n`), sourceMapsIn(join(dir, '.serverless', 'sourcemaps')));
    expect(text).toContain(position);
    expect({ mapped, unmapped }).toEqual({ mapped: 0, unmapped: 1 });
    expect(stackTrace('Error: x\n', '--maps', join(dir, 'nowhere')).stderr).toContain('no source maps at');
  });
});
