import { decodeCursor, encodeCursor } from '../notes/cursor.js';
import { noteIdsStartingWith, noteMarkdown } from '../notes/note-markdown.js';
import { noteId } from '../notes/note-schema.js';
import { defineResource } from '../resource.js';

/** The caller's notes as Markdown documents, `note://{id}`; another user's id is simply not found. */
export default defineResource({
  name: 'note',
  title: 'A note',
  description: 'One of your notes as a Markdown document (title, body, tags).',
  scope: 'read',
  mimeType: 'text/markdown',
  uriTemplate: 'note://{id}',
  variables: { id: noteId },
  async read({ id }, { caller, services }) {
    const found = await services.notes.get(caller, id);
    return found && { text: noteMarkdown(found) };
  },
  async list({ caller, services }, cursor) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, 'resources');
    const page = await services.notes.list(caller, { limit: 50, after });
    return {
      resources: page.notes.map((found) => ({ uri: `note://${found.id}`, name: found.id, title: found.title, mimeType: 'text/markdown' })),
      ...(page.lastId ? { nextCursor: encodeCursor(page.lastId, 'resources') } : {}),
    };
  },
  complete: {
    id: (prefix, { caller, services }) => noteIdsStartingWith(services.notes, caller, prefix),
  },
});
