import { z } from 'zod';
import { parseConfig } from '../lib/config.js';
import { localJwksOrigin } from './local-jwks.js';

const schema = z.object({
  USER_POOL_ID: z.string().regex(/^[a-z]{2}-[a-z]+-\d_[0-9A-Za-z]+$/, 'must be a Cognito user pool id'),
});

export interface AuthorizerConfig {
  userPoolId: string;
  /** Set only inside the local stack; see local-jwks.ts. */
  localJwksOrigin: string | undefined;
}

export function loadAuthorizerConfig(env: Record<string, string | undefined> = process.env): AuthorizerConfig {
  const parsed = parseConfig(schema, env);
  return { userPoolId: parsed.USER_POOL_ID, localJwksOrigin: localJwksOrigin(env) };
}
