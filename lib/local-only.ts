/**
 * The guard of every setting that only the local stack may use (the emulator's JWKS, loopback
 * CIMD origins, the function's own role as tool credentials): each would open a hole in a
 * deployed stage, so it is honoured only when serverless-offline runs the function
 * (IS_OFFLINE=true) and the Lambda runtime does not (no AWS_EXECUTION_ENV, no
 * AWS_LAMBDA_RUNTIME_API). Anywhere else, asking for it is a configuration error that stops the
 * function at cold start (fail closed).
 *
 * Call it once the variable is known to be set; it returns the `refuse` its caller uses for the
 * setting's own rules, so every refusal reads the same.
 */
export function requireLocalStack(variable: string, env: Record<string, string | undefined>): (why: string) => never {
  const refuse = (why: string): never => {
    throw new Error(`${variable} is set but ${why}; it only works in the local stack`);
  };
  if (env.IS_OFFLINE !== 'true') refuse('IS_OFFLINE is not true');
  if (env.AWS_EXECUTION_ENV || env.AWS_LAMBDA_RUNTIME_API) refuse('this is the AWS Lambda runtime');
  return refuse;
}
