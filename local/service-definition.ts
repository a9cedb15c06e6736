import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './settings.js';

/**
 * The service as serverless.yml declares it for the `local` stage, with every ${...} variable
 * resolved by the framework itself (`serverless print`). The local stack builds its tables and
 * gateway responses from these same definitions instead of keeping a second copy.
 */
export interface CloudFormationResource {
  Type: string;
  Properties: Record<string, unknown>;
}

export interface ResolvedService {
  resources: Record<string, CloudFormationResource>;
  /** Each function's resolved environment variables. */
  functionEnvironments?: Record<string, Record<string, string>>;
}

export async function resolveService(env: NodeJS.ProcessEnv): Promise<ResolvedService> {
  const cli = join(PROJECT_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'print', '--stage', 'local', '--format', 'json'],
    { cwd: PROJECT_ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 16 * 1024 * 1024 },
  );
  const service = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    resources?: { Resources?: unknown };
    functions?: Record<string, { environment?: Record<string, string> }>;
  };
  return {
    resources: (service.resources?.Resources ?? {}) as Record<string, CloudFormationResource>,
    functionEnvironments: Object.fromEntries(
      Object.entries(service.functions ?? {}).map(([name, definition]) => [name, definition.environment ?? {}]),
    ),
  };
}

export function resourcesOfType(service: ResolvedService, type: string): CloudFormationResource[] {
  return Object.values(service.resources).filter((resource) => resource.Type === type);
}

/**
 * Evaluates the CloudFormation values that can occur in the local stage: plain strings and
 * Fn::Join of them. Anything else (a Ref to a resource that only exists in AWS) is an error,
 * because silently using a placeholder would make the local stack differ from the deployed one.
 */
export function evaluate(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map(evaluate).join(separator);
  }
  throw new Error(`Cannot evaluate ${JSON.stringify(value)} in the local stack`);
}
