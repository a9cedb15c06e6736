/**
 * Raised at cold start when the function's environment is missing or malformed. In a file of its
 * own so that functions checking their configuration without zod (the authorizer) need not bundle it.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}
