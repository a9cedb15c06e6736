import type { Documents } from '../../../lib/dynamodb/documents.js';
import type { CallerIdentity } from '../../../lib/identity.js';
import type { DocumentsFor } from './caller-documents.js';

/**
 * Per-user notes in DynamoDB. Partition key `owner` is the caller's principal (the user's sub,
 * or an API key's owner), taken by the store itself from the verified identity: no method takes
 * an owner, so one user can never address another's notes. Sort key `noteId`.
 * Every request is signed with the caller's own tool-role credentials (caller-documents.ts), whose
 * policy allows only items whose partition key is the caller's principal (dynamodb:LeadingKeys,
 * resources/iam.yml): code and IAM both keep users apart. DynamoDB Local evaluates no IAM, so
 * locally only the code does; tests/unit/iam-policies.test.ts proves the IAM half offline.
 * Every write is conditional on the version the caller last read (optimistic concurrency):
 * of two concurrent writers of the same version, exactly one wins.
 */
export interface Note {
  id: string;
  title: string;
  body: string;
  tags: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NotePage {
  notes: Note[];
  /** The id of the last note examined when more may follow. */
  lastId?: string;
}

export type WriteResult = { ok: true; note: Note } | { ok: false; reason: 'conflict' | 'not_found'; currentVersion?: number };

export interface NotesStore {
  get(caller: CallerIdentity, id: string): Promise<Note | undefined>;
  list(caller: CallerIdentity, options: { limit: number; after?: string }): Promise<NotePage>;
  /** Case-insensitive substring search over title, body and tags. */
  search(caller: CallerIdentity, query: string, options: { limit: number; after?: string }): Promise<NotePage>;
  /** Creates the note if `expectedVersion` is undefined, otherwise replaces that version. */
  put(caller: CallerIdentity, note: Pick<Note, 'id' | 'title' | 'body' | 'tags'>, expectedVersion: number | undefined, now: Date): Promise<WriteResult>;
  delete(caller: CallerIdentity, id: string, expectedVersion: number): Promise<WriteResult>;
}

interface NoteRow extends Note {
  owner: string;
  noteId: string;
  /** Lower-cased title, body and tags: what search matches against. */
  searchText: string;
}

/** DynamoDB reads at most 1 MB per query page; a search stops after this many pages per call. */
const MAX_SEARCH_PAGES = 5;

export function dynamoDbNotesStore(tableName: string, documentsFor: DocumentsFor): NotesStore {
  const toNote = (row: Record<string, unknown>): Note => {
    const { id, title, body, tags, version, createdAt, updatedAt } = row as unknown as NoteRow;
    return { id, title, body, tags: tags ?? [], version, createdAt, updatedAt };
  };
  const currentVersion = async (documents: Documents, owner: string, id: string) => {
    const current = await documents.get({
      TableName: tableName,
      Key: { owner, noteId: id },
      ProjectionExpression: '#version',
      ExpressionAttributeNames: { '#version': 'version' },
      ConsistentRead: true,
    });
    return current.Item ? Number(current.Item.version) : undefined;
  };
  const failure = async (documents: Documents, owner: string, id: string, wantedExisting: boolean): Promise<WriteResult> => {
    const version = await currentVersion(documents, owner, id);
    if (version === undefined && wantedExisting) return { ok: false, reason: 'not_found' };
    return { ok: false, reason: 'conflict', currentVersion: version };
  };

  return {
    async get(caller, id) {
      const documents = await documentsFor(caller);
      const owner = caller.principal;
      const result = await documents.get({ TableName: tableName, Key: { owner, noteId: id } });
      return result.Item ? toNote(result.Item) : undefined;
    },

    async list(caller, { limit, after }) {
      const documents = await documentsFor(caller);
      const owner = caller.principal;
      const result = await documents.query({
          TableName: tableName,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
          Limit: limit,
          ...(after ? { ExclusiveStartKey: { owner, noteId: after } } : {}),
        }
      );
      const notes = (result.Items ?? []).map(toNote);
      return { notes, lastId: result.LastEvaluatedKey ? String(result.LastEvaluatedKey.noteId) : undefined };
    },

    async search(caller, query, { limit, after }) {
      const documents = await documentsFor(caller);
      const owner = caller.principal;
      const notes: Note[] = [];
      let startId = after;
      for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
        const result = await documents.query({
            TableName: tableName,
            KeyConditionExpression: '#owner = :owner',
            FilterExpression: 'contains(#searchText, :query)',
            ExpressionAttributeNames: { '#owner': 'owner', '#searchText': 'searchText' },
            ExpressionAttributeValues: { ':owner': owner, ':query': query.toLowerCase() },
            // Limit counts examined items, not matches; read ahead so one page usually suffices.
            Limit: Math.max(limit * 4, 25),
            ...(startId ? { ExclusiveStartKey: { owner, noteId: startId } } : {}),
          }
        );
        for (const item of result.Items ?? []) {
          notes.push(toNote(item));
          if (notes.length === limit) return { notes, lastId: String(item.noteId) };
        }
        if (!result.LastEvaluatedKey) return { notes };
        startId = String(result.LastEvaluatedKey.noteId);
      }
      return { notes, lastId: startId };
    },

    async put(caller, note, expectedVersion, now) {
      const documents = await documentsFor(caller);
      const owner = caller.principal;
      const timestamp = now.toISOString();
      const values: Record<string, unknown> = {
        ':id': note.id,
        ':title': note.title,
        ':body': note.body,
        ':tags': note.tags,
        ':version': (expectedVersion ?? 0) + 1,
        ':now': timestamp,
        ':searchText': [note.title, note.body, ...note.tags].join('\n').toLowerCase(),
      };
      if (expectedVersion !== undefined) values[':expected'] = expectedVersion;
      try {
        // One UpdateItem: creation and replacement alike, createdAt kept, version checked.
        const result = await documents.update({
            TableName: tableName,
            Key: { owner, noteId: note.id },
            UpdateExpression:
              'SET #id = :id, #title = :title, #body = :body, #tags = :tags, #version = :version, #updatedAt = :now, ' +
              '#searchText = :searchText, #createdAt = if_not_exists(#createdAt, :now)',
            ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(#noteId)' : '#version = :expected',
            // Every name aliased: several (e.g. name-like words) are DynamoDB reserved words.
            ExpressionAttributeNames: {
              '#id': 'id',
              '#title': 'title',
              '#body': 'body',
              '#tags': 'tags',
              '#version': 'version',
              '#updatedAt': 'updatedAt',
              '#searchText': 'searchText',
              '#createdAt': 'createdAt',
              ...(expectedVersion === undefined ? { '#noteId': 'noteId' } : {}),
            },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }
        );
        return { ok: true, note: toNote(result.Attributes!) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return failure(documents, owner, note.id, expectedVersion !== undefined);
      }
    },

    async delete(caller, id, expectedVersion) {
      const documents = await documentsFor(caller);
      const owner = caller.principal;
      try {
        const result = await documents.delete({
            TableName: tableName,
            Key: { owner, noteId: id },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
            ReturnValues: 'ALL_OLD',
          }
        );
        return { ok: true, note: toNote(result.Attributes!) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return failure(documents, owner, id, true);
      }
    },
  };
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}
