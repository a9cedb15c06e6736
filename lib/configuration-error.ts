/** One refused environment variable: its name and the rule it breaks. */
export interface ConfigurationProblem {
  variable: string;
  message: string;
}

/**
 * Raised at cold start when the function's environment is missing or malformed. In a file of its
 * own so that functions checking their configuration without zod (the authorizer) need not bundle it.
 * It carries each problem by variable, so that the package-time check
 * (serverless-plugins/config-check.cjs) can name the parameter that set the variable.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(readonly problems: readonly ConfigurationProblem[]) {
    super(`Invalid configuration: ${problems.map((problem) => `${problem.variable}: ${problem.message}`).join('; ')}`);
  }
}
