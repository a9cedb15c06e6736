import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type RevocationStore, dynamoDbRevocationStore } from '../../lib/revocations.js';
import type { McpConfig } from './config.js';
import { type NotesStore, dynamoDbNotesStore } from './notes/notes-store.js';
import { type RevocationLookup, dynamoDbRevocationLookup } from './revocation-lookup.js';

/** The adapters tools use, created once per container. Tests pass their own. */
export interface ToolServices {
  notes: NotesStore;
  revocations: RevocationStore;
  lookupRevocation: RevocationLookup;
  /** How long a user revocation must last to outlive every access token issued before it. */
  maxTokenLifetimeSeconds: number;
}

export function createToolServices(config: McpConfig, documents: DynamoDBDocumentClient): ToolServices {
  return {
    notes: dynamoDbNotesStore(config.tables.notes, documents),
    revocations: dynamoDbRevocationStore(config.tables.revocations, documents),
    lookupRevocation: dynamoDbRevocationLookup(config.tables.revocations, documents),
    maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds,
  };
}
