import { z } from 'zod';
import { ConfigurationError } from './configuration-error.js';

export { ConfigurationError };

/**
 * Parses the environment once, at cold start. A function whose configuration is wrong refuses to
 * start (Lambda reports an init error) instead of running with guessed values.
 *
 * A plain object schema (the MCP function's: no refine, no strict/passthrough) is parsed field by field: each variable through its own
 * schema, exactly the checks, defaults and transforms the object would apply, and the output holds
 * the schema's keys only, as the object's would. The whole-object parse is not used because zod 4
 * compiles an object's parser (`new Function`) on its first parse: worth it for a schema parsed per
 * request, not for one parsed once per container (about 1.5 ms of the MCP function's cold load,
 * `npm run bench -- floor`).
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = isPlainObject(schema) ? parseFields(schema, env) : schema.safeParse(env);
  if (!result.success) {
    throw new ConfigurationError(
      result.error.issues.map((issue) => ({ variable: issue.path.join('.') || '(environment)', message: issue.message })),
    );
  }
  return result.data as z.infer<Schema>;
}

/** An object with no checks of its own (refine) and no catchall (strict, passthrough): its fields say it all. */
function isPlainObject(schema: z.ZodType): schema is z.ZodObject {
  if (!(schema instanceof z.ZodObject)) return false;
  const def = schema._zod.def;
  return (def.checks?.length ?? 0) === 0 && def.catchall === undefined;
}

type FieldsResult = { success: true; data: Record<string, unknown> } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };

function parseFields(schema: z.ZodObject, env: Record<string, string | undefined>): FieldsResult {
  const data: Record<string, unknown> = {};
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const parsed = field.safeParse(env[key]);
    if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => ({ path: [key, ...issue.path], message: issue.message })));
    else if (parsed.data !== undefined) data[key] = parsed.data;
  }
  return issues.length > 0 ? { success: false, error: { issues } } : { success: true, data };
}

/** An absolute http(s) URL without a trailing slash, e.g. a base URL that paths are appended to. */
export const baseUrl = z
  .url({ protocol: /^https?$/ })
  .transform((value) => value.replace(/\/+$/, ''));

/** A space or comma separated list, as environment variables carry lists. */
export const wordList = z
  .string()
  .transform((value) => value.split(/[\s,]+/).filter((word) => word.length > 0));
