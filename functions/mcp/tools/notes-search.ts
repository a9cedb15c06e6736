import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../notes/cursor.js';
import { cursor, nextCursor, note, pageLimit } from '../notes/note-schema.js';
import { defineTool } from '../tool.js';

/** A cursor of one search must not continue another: it is bound to a hash of the query. */
const searchScope = (query: string) => `search:${createHash('sha256').update(query.toLowerCase()).digest('base64url').slice(0, 16)}`;

export default defineTool({
  name: 'notes_search',
  title: 'Search my notes',
  description: 'Finds your notes whose title, body or tags contain the text (case-insensitive), one page at a time.',
  scope: 'read',
  inputSchema: {
    query: z.string().trim().min(1).max(200).describe('Text to look for'),
    limit: pageLimit,
    cursor,
  },
  outputSchema: { notes: z.array(note), nextCursor },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, { caller, services }) {
    const scope = searchScope(input.query);
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, scope);
    const page = await services.notes.search(caller, input.query, { limit: input.limit, after });
    return { notes: page.notes, ...(page.lastId ? { nextCursor: encodeCursor(page.lastId, scope) } : {}) };
  },
  render: (output) =>
    output.notes.length === 0
      ? 'No matching notes.'
      : [...output.notes.map((item) => `- ${item.title} (${item.id}, v${item.version})`), ...(output.nextCursor ? ['More matches may follow.'] : [])].join('\n'),
});
