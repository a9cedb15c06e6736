import { z } from 'zod';
import { parseConfig } from '../lib/config.js';
import { localJwksOrigin } from './local-jwks.js';

// The pool id format aws-jwt-verify accepts, all partitions (GovCloud, EU sovereign cloud) included.
const USER_POOL_ID = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[a-zA-Z0-9]+$/;

const schema = z.object({
  USER_POOL_ID: z.string().regex(USER_POOL_ID, 'must be a Cognito user pool id'),
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
