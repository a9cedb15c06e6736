import { requireLocalStack } from '../local-only.js';

/**
 * The local stack has no STS (no emulator of it can be installed here: see the README, "Per-user
 * AWS credentials"), so there a configuration variable selects another credentials source: the
 * function's own credentials (the dummy ones the local stack gives serverless-offline, which
 * DynamoDB Local accepts), handed out through the same cache and the same session rules as the
 * STS source, so every line around the exchange itself runs locally as deployed.
 *
 * In a deployed stage that source would let every user act with the MCP function's role, so it
 * must never be possible there: it is honoured only where the local stack's guard holds
 * (lib/local-only.ts), and asking for it anywhere else stops the function at cold start.
 */
export const LOCAL_TOOL_CREDENTIALS_VARIABLE = 'LOCAL_TOOL_CREDENTIALS';
/** The one value the variable takes. */
export const LOCAL_FUNCTION_ROLE_SOURCE = 'function-role';

export function localToolCredentialsSource(env: Record<string, string | undefined>): typeof LOCAL_FUNCTION_ROLE_SOURCE | undefined {
  const value = env[LOCAL_TOOL_CREDENTIALS_VARIABLE];
  if (value === undefined || value === '') return undefined;
  const refuse = requireLocalStack(LOCAL_TOOL_CREDENTIALS_VARIABLE, env);
  if (value !== LOCAL_FUNCTION_ROLE_SOURCE) refuse(`its value is not "${LOCAL_FUNCTION_ROLE_SOURCE}"`);
  return LOCAL_FUNCTION_ROLE_SOURCE;
}
