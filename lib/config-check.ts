import { ConfigurationError } from './configuration-error.js';

/**
 * The package-time check of the functions' configuration (serverless-plugins/config-check.cjs):
 * each function's environment, as the framework resolved it for the stage, is run through the
 * same parsers the function runs at cold start (serverless-plugins/function-config-checks.ts lists them), so
 * a value a function would refuse stops `serverless package` / `deploy` before anything is
 * created, naming the parameter that set it. The rules themselves live only in the functions'
 * config modules; this file knows none of them.
 *
 * Values CloudFormation fills in at deploy time (the pool id, the execute-api URL, a secret's ARN)
 * are not known yet: they are checked with well-formed stand-ins of the same shape (standInFor), so
 * the check catches what the operator chose, not what AWS will generate.
 */

export type Environment = Record<string, string | undefined>;
/** Runs a function's cold-start configuration parsing; throws as the cold start would. */
export type ColdStartCheck = (env: Environment) => unknown;

export interface FunctionToCheck {
  /** The function's key under `functions:` in serverless.yml. */
  name: string;
  /** As serverless.yml gives it, resolved: `dir/file.export`. */
  handler: string;
  /** provider.environment merged with the function's own, resolved for the stage (CloudFormation values left as they are). */
  environment: Record<string, unknown>;
  /** For each variable, the serverless.yml parameters its value is made from (tracedParameters). */
  parameters: Record<string, string[]>;
}

export interface DeploymentContext {
  stage: string;
  region: string;
  /** Logical id → resource type, for the stand-ins of `Ref` and `Fn::GetAtt`. */
  resourceTypes: Record<string, string>;
  /** Logical id → resource properties (an IAM role's Path and RoleName make its ARN). */
  resourceProperties?: Record<string, Record<string, unknown>>;
  /** The template's Conditions, by name, for `Fn::If` (decided here when they compare known values). */
  conditions?: Record<string, unknown>;
}

export interface ConfigurationFinding {
  variable: string;
  /** What the function would have been given (a stand-in where CloudFormation decides). */
  value: string | undefined;
  message: string;
  parameters: string[];
  functions: string[];
}

const ACCOUNT = '123456789012';

/** The module name of a handler (`functions/mcp/stream-handler.handler` → `functions/mcp/stream-handler`). */
export function handlerModule(handler: string): string {
  return handler.replace(/\.[^./]+$/, '');
}

export function checkFunctions(
  functions: FunctionToCheck[],
  checks: Record<string, ColdStartCheck>,
  context: DeploymentContext,
): ConfigurationFinding[] {
  const findings = new Map<string, ConfigurationFinding>();
  for (const fn of functions) {
    const check = checks[handlerModule(fn.handler)];
    if (!check) {
      throw new Error(
        `config-check: no cold-start configuration check for handler ${fn.handler} (function ${fn.name}); ` +
          'add its configuration loader to serverless-plugins/function-config-checks.ts',
      );
    }
    const env = lambdaEnvironment(fn.environment, context);
    let problems: Array<{ variable: string; message: string }> = [];
    try {
      check(env);
    } catch (error) {
      problems = problemsOf(error, env);
    }
    for (const problem of problems) {
      const variable = problem.variable.split('.')[0]!;
      const message = withParametersOfNamedVariables(problem.message, fn.parameters, variable);
      const key = `${variable}\0${message}`;
      const known = findings.get(key);
      if (known) {
        if (!known.functions.includes(fn.name)) known.functions.push(fn.name);
      }
      else findings.set(key, { variable, value: env[variable], message, parameters: fn.parameters[variable] ?? [], functions: [fn.name] });
    }
  }
  return [...findings.values()];
}

/** One line per finding: parameter (variable=value, functions): rule. */
export function describeFindings(findings: ConfigurationFinding[], stage: string): string {
  const lines = findings.map((finding) => {
    const source = finding.parameters.length > 0 ? `parameter ${finding.parameters.join(' / ')}` : `variable ${finding.variable}`;
    const value = finding.value === undefined ? 'unset' : JSON.stringify(finding.value);
    const where = `${finding.variable}=${value}, function${finding.functions.length > 1 ? 's' : ''} ${finding.functions.join(', ')}`;
    return `  - ${source} (${where}): ${finding.message}`;
  });
  return `Invalid configuration for stage "${stage}": the functions would refuse to start with these values. Nothing was packaged or deployed.\n${lines.join('\n')}`;
}

/** What Lambda would give the function: its variables as strings, plus the runtime's own region variables. */
function lambdaEnvironment(environment: Record<string, unknown>, context: DeploymentContext): Environment {
  const env: Environment = { AWS_REGION: context.region, AWS_DEFAULT_REGION: context.region };
  for (const [name, value] of Object.entries(environment)) env[name] = standInFor(value, context);
  return env;
}

/**
 * Runs several cold-start steps and reports the problems of all of them (a function that parses
 * in steps stops at its first failing one; the operator should hear of every bad value at once).
 */
export function everyCheck(...steps: ColdStartCheck[]): ColdStartCheck {
  return (env) => {
    const problems: Array<{ variable: string; message: string }> = [];
    for (const step of steps) {
      try {
        step(env);
      } catch (error) {
        for (const problem of problemsOf(error, env)) {
          if (!problems.some((known) => known.variable === problem.variable && known.message === problem.message)) problems.push(problem);
        }
      }
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
  };
}

function problemsOf(error: unknown, env: Environment): Array<{ variable: string; message: string }> {
  if (error instanceof ConfigurationError) return [...error.problems];
  // Checks that throw a plain Error name their variable first (e.g. "CALLER_TOOL_ROLE_ARN must be ...").
  const message = error instanceof Error ? error.message : String(error);
  const named = /^(?:Invalid configuration: )?([A-Z][A-Z0-9_]*)\b:?\s*(.*)$/s.exec(message);
  if (named && named[1]! in env) return [{ variable: named[1]!, message: named[2]! }];
  return [{ variable: '(environment)', message }];
}

/** A rule that compares two variables names the other one: say which parameter sets it too. */
function withParametersOfNamedVariables(message: string, parameters: Record<string, string[]>, own: string): string {
  const others = Object.keys(parameters).filter((name) => name !== own && (parameters[name]?.length ?? 0) > 0 && new RegExp(`\\b${name}\\b`).test(message));
  if (others.length === 0) return message;
  return `${message} (${others.map((name) => `${name} is parameter ${parameters[name]!.join(' / ')}`).join('; ')})`;
}

/**
 * A string of the shape CloudFormation will give the value: literal values as they are; `Ref`,
 * `Fn::GetAtt`, `Fn::Join` and `Fn::Sub` built from stand-ins of the resources they name.
 */
export function standInFor(value: unknown, context: DeploymentContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [fn, argument] = entries[0]!;
      if (fn === 'Ref' && typeof argument === 'string') return refStandIn(argument, context);
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        if (typeof id === 'string' && typeof attribute === 'string') return attributeStandIn(id, attribute, context);
      }
      if (fn === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
        return argument[1].map((part: unknown) => standInFor(part, context)).join(argument[0]);
      }
      if (fn === 'Fn::If' && Array.isArray(argument) && argument.length === 3 && typeof argument[0] === 'string') {
        return standInFor(conditionHolds(argument[0], context) ? argument[1] : argument[2], context);
      }
      if (fn === 'Fn::Sub' && typeof argument === 'string') {
        return argument.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const [id, attribute] = name.split('.');
          return attribute ? attributeStandIn(id!, attribute, context) : refStandIn(id!, context);
        });
      }
    }
  }
  throw new Error(`config-check: no stand-in for the CloudFormation value ${JSON.stringify(value)}; teach lib/config-check.ts its shape`);
}

/**
 * A condition of the template, decided: parameters are resolved by now, so the conditions that
 * choose a value for a function (a custom domain given or not) compare literals.
 */
function conditionHolds(name: string, context: DeploymentContext): boolean {
  const condition = context.conditions?.[name];
  if (condition === undefined) throw new Error(`config-check: the condition ${name} is not in the template`);
  return evaluateCondition(condition, context);
}

function evaluateCondition(expression: unknown, context: DeploymentContext): boolean {
  if (expression && typeof expression === 'object' && !Array.isArray(expression)) {
    const entries = Object.entries(expression);
    if (entries.length === 1) {
      const [fn, argument] = entries[0]!;
      if (fn === 'Condition' && typeof argument === 'string') return conditionHolds(argument, context);
      if (Array.isArray(argument)) {
        if (fn === 'Fn::Equals' && argument.length === 2) return standInFor(argument[0], context) === standInFor(argument[1], context);
        if (fn === 'Fn::Not' && argument.length === 1) return !evaluateCondition(argument[0], context);
        if (fn === 'Fn::And') return argument.every((part) => evaluateCondition(part, context));
        if (fn === 'Fn::Or') return argument.some((part) => evaluateCondition(part, context));
      }
    }
  }
  throw new Error(`config-check: cannot decide the condition ${JSON.stringify(expression)}; teach lib/config-check.ts its shape`);
}

function refStandIn(id: string, context: DeploymentContext): string {
  switch (id) {
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return ACCOUNT;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return `stack-${context.stage}`;
  }
  const type = context.resourceTypes[id];
  switch (type) {
    case 'AWS::Cognito::UserPool':
      return `${context.region}_StandIn${id.replace(/[^a-zA-Z0-9]/g, '')}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${context.region}:${ACCOUNT}:secret:${id}-AbCdEf`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${context.region}:${ACCOUNT}:${id}`;
    default:
      // Names and ids (a table, a domain prefix, a REST API id): lower-case letters and digits fit them all.
      return id.toLowerCase().replace(/[^a-z0-9]/g, '');
  }
}

function attributeStandIn(id: string, attribute: string, context: DeploymentContext): string {
  if (attribute !== 'Arn') return `${id.toLowerCase().replace(/[^a-z0-9]/g, '')}${attribute.toLowerCase()}`;
  const type = context.resourceTypes[id] ?? '';
  const properties = context.resourceProperties?.[id] ?? {};
  if (type === 'AWS::IAM::Role') {
    const path = typeof properties.Path === 'string' ? properties.Path : '/';
    const name = typeof properties.RoleName === 'string' ? properties.RoleName : id;
    return `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
  }
  const service = type.split('::')[1]?.toLowerCase() ?? 'resource';
  return `arn:aws:${service}:${context.region}:${ACCOUNT}:${id}`;
}

/**
 * The parameters (`${param:name}`) a serverless.yml value is made from, following `${self:...}`
 * references through the unresolved configuration (e.g. PUBLIC_BASE_URL →
 * `${self:custom.publicBaseUrl}` → `${param:publicBaseUrl, ...}`).
 */
export function tracedParameters(raw: unknown, configuration: Record<string, unknown>, seen: Set<string> = new Set()): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/param:([A-Za-z0-9_-]+)/g)) found.add(match[1]!);
      for (const match of value.matchAll(/self:([A-Za-z0-9_.-]+)/g)) {
        const path = match[1]!;
        if (seen.has(path)) continue;
        seen.add(path);
        visit(path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), configuration));
      }
    } else if (value && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(raw);
  return [...found];
}
