import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../notes/cursor.js';
import { cursor, nextCursor, note, pageLimit } from '../notes/note-schema.js';
import { defineTool } from '../tool.js';

export default defineTool({
  name: 'notes_list',
  title: 'List my notes',
  description: 'Lists your notes, oldest first, one page at a time.',
  scope: 'read',
  inputSchema: { limit: pageLimit, cursor },
  outputSchema: { notes: z.array(note), nextCursor },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, { caller, services }) {
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, 'list');
    const page = await services.notes.list(caller, { limit: input.limit, after });
    return { notes: page.notes, ...(page.lastId ? { nextCursor: encodeCursor(page.lastId, 'list') } : {}) };
  },
  render: (output) =>
    output.notes.length === 0
      ? 'No notes.'
      : [...output.notes.map((item) => `- ${item.title} (${item.id}, v${item.version})`), ...(output.nextCursor ? ['More notes follow.'] : [])].join('\n'),
});
