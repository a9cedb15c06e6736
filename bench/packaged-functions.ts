/**
 * The functions as `serverless package` packages them, read from what it wrote: each function's
 * bundle (unzipped from its zip in .serverless), and from the packaged CloudFormation template its
 * handler, memory size, runtime and environment (NODE_OPTIONS included), the values only a real
 * stack has (a pool id, a table's generated name, an API id) rendered as placeholders in the
 * shape AWS gives them. What a cold start measurement needs to start a function as Lambda does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packageInScratchCopy } from '../scripts/package-service.js';
import { type CfnTemplate, type RenderContext, renderings } from '../tests/support/template/cloudformation.js';
import { node22 } from '../tests/support/conformance-cli.js';
import { PLACEHOLDER_ACCOUNT_ID, placeholderContext } from '../tests/support/template/placeholders.js';

export const REGION = 'us-east-1';
const STAGE = 'bench';

export interface PackagedFunction {
  /** The function's key in serverless.yml (its zip is <name>.zip). */
  name: string;
  /** The unzipped bundle the handler lives in. */
  bundle: string;
  zipBytes: number;
  memoryMb: number;
  /** The Lambda runtime, e.g. nodejs22.x. */
  runtime: string;
  /** The template's variables, then the ones the Lambda runtime sets itself. */
  environment: Record<string, string>;
}

/** The placeholders, with the ARNs the functions' configuration checks in the shape AWS gives them. */
function lambdaContext(template: CfnTemplate, placeholders: RenderContext): RenderContext {
  const typeOf = (id: string) => template.Resources[id]?.Type;
  return {
    // The template's conditions (a custom domain or not) decide its Fn::If values, as CloudFormation does.
    condition: (name) => placeholders.condition?.(name),
    // Ref of a secret is its ARN (random suffix included).
    ref: (name) => (typeOf(name) === 'AWS::SecretsManager::Secret' ? `arn:aws:secretsmanager:${REGION}:${PLACEHOLDER_ACCOUNT_ID}:secret:${placeholders.ref(name)}-AbCdEf` : placeholders.ref(name)),
    getAtt(id, attribute) {
      if (typeOf(id) !== 'AWS::IAM::Role' || attribute !== 'Arn') return placeholders.getAtt(id, attribute);
      const properties = template.Resources[id]!.Properties as { Path?: unknown; RoleName?: unknown };
      const path = typeof properties.Path === 'string' ? properties.Path : '/';
      const roleName = typeof properties.RoleName === 'string' ? properties.RoleName : placeholders.ref(id);
      return `arn:aws:iam::${PLACEHOLDER_ACCOUNT_ID}:role${path}${roleName}`;
    },
  };
}

/** Packages the service in a scratch copy (the caller removes `dir`) and returns its functions. */
export function packagedFunctions(): { dir: string; functions: PackagedFunction[] } {
  const dir = packageInScratchCopy({ stage: STAGE, region: REGION, prefix: 'mcp-bench-deployed-' });
  return { dir, functions: functionsIn(dir) };
}

/** The functions of a service `serverless package --stage bench` packaged in `dir` (unzipped into `dir`/task). */
export function functionsIn(dir: string): PackagedFunction[] {
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  const context = lambdaContext(template, placeholderContext(template, { region: REGION, stackName: `secure-mcp-${STAGE}` }));
  const functions: PackagedFunction[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = resource.Properties as Record<string, any>;
    const zip = basename(properties.Code.S3Key as string);
    const name = zip.replace(/\.zip$/, '');
    const taskRoot = join(dir, 'task', name);
    mkdirSync(taskRoot, { recursive: true });
    execFileSync('unzip', ['-q', join(dir, '.serverless', zip), '-d', taskRoot]);
    const handler = properties.Handler as string;
    const environment: Record<string, string> = {};
    for (const [variable, value] of Object.entries((properties.Environment?.Variables ?? {}) as Record<string, unknown>)) {
      const rendered = renderings(value, context);
      if (rendered?.length !== 1) throw new Error(`${id}: cannot render ${variable} offline`);
      environment[variable] = rendered[0]!;
    }
    const memoryMb = Number(properties.MemorySize ?? 128);
    const functionName = (properties.FunctionName as string | undefined) ?? `secure-mcp-${STAGE}-${name}`;
    functions.push({
      name,
      bundle: join(taskRoot, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`),
      zipBytes: readFileSync(join(dir, '.serverless', zip)).length,
      memoryMb,
      runtime: properties.Runtime as string,
      environment: {
        ...environment,
        // Set by the Lambda runtime, not by the template (Lambda's "Defined runtime environment variables").
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_EXECUTION_ENV: `AWS_Lambda_${properties.Runtime as string}`,
        LAMBDA_TASK_ROOT: taskRoot,
        TZ: ':UTC',
        AWS_ACCESS_KEY_ID: 'ASIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench-secret',
        AWS_SESSION_TOKEN: 'bench-session',
      },
    });
  }
  return functions.sort((a, b) => a.name.localeCompare(b.name));
}

/** The Node binary of a Lambda runtime: its major, as installed here. */
export function nodeOf(runtime: string): string {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (major === '22') return node22();
  if (major !== undefined && process.versions.node.startsWith(`${major}.`)) return process.execPath;
  throw new Error(`no Node ${major ?? runtime} here to start ${runtime} functions with`);
}
