import { ConfigurationError } from '../../lib/configuration-error.js';
import type { Documents } from '../../lib/dynamodb/documents.js';
import { type RevocationStore, dynamoDbRevocationStore } from '../../lib/revocations.js';
import { type TokenLifetimes, type UserSessions, cognitoUserSessions, loadTokenLifetimes } from '../../lib/user-revocation.js';
import type { McpConfig } from './config.js';
import { type NotesStore, dynamoDbNotesStore } from './notes/notes-store.js';
import { type RevocationLookup, dynamoDbRevocationLookup } from './revocation-lookup.js';

/** The adapters tools use, created once per container. Tests pass their own. */
export interface ToolServices {
  notes: NotesStore;
  revocations: RevocationStore;
  lookupRevocation: RevocationLookup;
  /** The longest token lifetimes of the pool's clients: how long a user revocation lasts (lib/user-revocation.ts). */
  tokenLifetimes: TokenLifetimes;
  /** The user's sessions at Cognito (global sign-out). */
  userSessions: UserSessions;
}

export function createToolServices(
  config: McpConfig,
  documents: Documents,
  env: Record<string, string | undefined> = process.env,
): ToolServices {
  // Validated here, at cold start, like the rest of the configuration.
  const tokenLifetimes = loadTokenLifetimes(env);
  const userPoolId = env.USER_POOL_ID;
  if (!userPoolId) throw new ConfigurationError('Invalid configuration: USER_POOL_ID: is required (users_revoke_tokens signs users out of it)');
  return {
    tokenLifetimes,
    userSessions: cognitoUserSessions(userPoolId),
    notes: dynamoDbNotesStore(config.tables.notes, documents),
    revocations: dynamoDbRevocationStore(config.tables.revocations, documents),
    lookupRevocation: dynamoDbRevocationLookup(config.tables.revocations, documents),
  };
}
