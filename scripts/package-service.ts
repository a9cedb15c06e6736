import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Everything `serverless package` reads; node_modules is linked, not copied. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'resources', 'authorizer', 'dcr', 'oauth', 'functions', 'lib', 'serverless-plugins'];

/**
 * Runs `serverless package` (offline, no AWS credentials) in a scratch copy of the service, so
 * that it never races a running local stack's esbuild output, and returns the copy's directory:
 * the template and the function zips are in `{dir}/.serverless`. The caller removes the directory.
 */
export function packageInScratchCopy(options: { stage: string; region?: string; prefix: string; params?: Record<string, string> }): string {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  for (const entry of SERVICE_FILES) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/serverless/bin/serverless.js'),
      'package',
      '--stage',
      options.stage,
      ...(options.region ? ['--region', options.region] : []),
      ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
    ],
    // A clean environment: nothing from the caller's shell (an AWS profile, say) reaches the build.
    { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, SLS_TELEMETRY_DISABLED: '1' }, stdio: 'pipe' },
  );
  return dir;
}
