import { type AlarmsService, alarmsFromEnvironment } from '../../lib/aws/alarms-service.js';
import type { StsClientOptions } from '../../lib/aws/sts-assume-role.js';
import { type ToolCredentialsService, toolCredentialsFromEnvironment } from '../../lib/aws/tool-credentials.js';
import { ConfigurationError } from '../../lib/configuration-error.js';
import type { Documents } from '../../lib/dynamodb/documents.js';
import { type RevocationStore, dynamoDbRevocationStore } from '../../lib/revocations.js';
import { type TokenLifetimes, type UserSessions, cognitoUserSessions, loadTokenLifetimes } from '../../lib/user-revocation.js';
import type { McpConfig } from './config.js';
import { type DocumentsFor, callerDocuments } from './notes/caller-documents.js';
import { type NotesStore, dynamoDbNotesStore } from './notes/notes-store.js';
import { type RevocationLookup, dynamoDbRevocationLookup } from './revocation-lookup.js';
import { type UserDirectory, cognitoUserDirectory } from './user-directory.js';

/** The adapters tools use, created once per container. Tests pass their own. */
export interface ToolServices {
  /** The caller's notes, read and written with the caller's own credentials (IAM keeps users apart too). */
  notes: NotesStore;
  /**
   * AWS credentials that act as the caller (lib/aws/tool-credentials.ts): the tool role's, or with
   * `{ group }` the extra role of one of the caller's groups. Never return or log them.
   */
  credentialsFor: ToolCredentialsService['credentialsFor'];
  /** The groups whose extra tool roles the caller may use (operator clients only). */
  toolRoleGroups: ToolCredentialsService['groupsOf'];
  /** CloudWatch alarms (cloudwatch_alarms), called with the caller's credentials; unavailable locally. */
  alarms: AlarmsService;
  revocations: RevocationStore;
  lookupRevocation: RevocationLookup;
  /** The longest token lifetimes of the pool's clients: how long a user revocation lasts (lib/user-revocation.ts). */
  tokenLifetimes: TokenLifetimes;
  /** The user's sessions at Cognito (global sign-out). */
  userSessions: UserSessions;
  /** The user's e-mail at Cognito (whoami). */
  users: UserDirectory;
}

export interface ServiceOverrides {
  /** For tests and benches that observe the real STS and DynamoDB requests. */
  fetch?: StsClientOptions['fetch'];
  /** Where the notes store's documents come from; by default DynamoDB with the caller's credentials. */
  notesDocuments?: DocumentsFor;
}

/**
 * `documents` carries the function's own calls (revocations); the notes go through the caller's
 * credentials. Everything here reads its configuration now, at cold start, and a bad value
 * (a missing CALLER_TOOL_ROLE_ARN, a malformed MCP_GROUP_ROLES, LOCAL_TOOL_CREDENTIALS outside the
 * local stack) stops the function from starting.
 */
export function createToolServices(
  config: McpConfig,
  documents: Documents,
  env: Record<string, string | undefined> = process.env,
  overrides: ServiceOverrides = {},
): ToolServices {
  const tokenLifetimes = loadTokenLifetimes(env);
  const userPoolId = env.USER_POOL_ID;
  if (!userPoolId) throw new ConfigurationError([{ variable: 'USER_POOL_ID', message: 'is required (users_revoke_tokens signs users out of it, whoami reads the e-mail)' }]);
  const fetchOverride = overrides.fetch ? { fetch: overrides.fetch } : {};
  const credentials = toolCredentialsFromEnvironment(env, fetchOverride);
  const notesDocuments = overrides.notesDocuments ?? callerDocuments((caller) => credentials.credentialsFor(caller), env, fetchOverride);
  return {
    tokenLifetimes,
    userSessions: cognitoUserSessions(userPoolId),
    users: cognitoUserDirectory(userPoolId),
    notes: dynamoDbNotesStore(config.tables.notes, notesDocuments),
    credentialsFor: credentials.credentialsFor,
    toolRoleGroups: credentials.groupsOf,
    alarms: alarmsFromEnvironment(env, fetchOverride),
    revocations: dynamoDbRevocationStore(config.tables.revocations, documents),
    lookupRevocation: dynamoDbRevocationLookup(config.tables.revocations, documents),
  };
}
