import { z } from 'zod';
import { ConfigurationError } from './configuration-error.js';

export { ConfigurationError };

/**
 * Parses the environment once, at cold start. A function whose configuration is wrong refuses to
 * start (Lambda reports an init error) instead of running with guessed values.
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)
      .join('; ');
    throw new ConfigurationError(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

/** An absolute http(s) URL without a trailing slash, e.g. a base URL that paths are appended to. */
export const baseUrl = z
  .url({ protocol: /^https?$/ })
  .transform((value) => value.replace(/\/+$/, ''));

/** A space or comma separated list, as environment variables carry lists. */
export const wordList = z
  .string()
  .transform((value) => value.split(/[\s,]+/).filter((word) => word.length > 0));
