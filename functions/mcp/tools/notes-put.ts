import { z } from 'zod';
import { newNoteId, note, noteId } from '../notes/note-schema.js';
import { ToolError, defineTool } from '../tool.js';

export default defineTool({
  name: 'notes_put',
  title: 'Write a note',
  description:
    'Creates a note, or replaces one of yours. To replace, pass the version you last read as expectedVersion: ' +
    'if the note changed since, nothing is written and you get the current version, so no update is ever lost.',
  scope: 'write',
  inputSchema: {
    id: noteId.optional().describe('Omit to create a note with a new id'),
    title: z.string().trim().min(1).max(200),
    body: z.string().max(10_000),
    tags: z.array(z.string().regex(/^\S{1,50}$/, 'A tag is 1 to 50 characters without spaces')).max(10).default([]),
    expectedVersion: z.number().int().positive().optional().describe('The version being replaced; omit to create'),
  },
  outputSchema: { note, created: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(input, { caller, services, now }) {
    const at = now();
    if (input.id === undefined && input.expectedVersion !== undefined) {
      throw new ToolError('invalid_argument', 'expectedVersion needs the id of the note to replace.');
    }
    const id = input.id ?? newNoteId(at);
    const result = await services.notes.put(
      caller,
      { id, title: input.title, body: input.body, tags: input.tags },
      input.expectedVersion,
      at,
    );
    if (result.ok) return { note: result.note, created: input.expectedVersion === undefined };
    if (result.reason === 'not_found') throw new ToolError('not_found', `You have no note with id "${id}".`);
    throw new ToolError(
      'conflict',
      input.expectedVersion === undefined
        ? `A note with id "${id}" exists (version ${result.currentVersion}); pass expectedVersion to replace it.`
        : `The note changed: it is at version ${result.currentVersion}, not ${input.expectedVersion}. Read it again, then retry.`,
    );
  },
  render: (output) => `${output.created ? 'Created' : 'Updated'} "${output.note.title}" (id ${output.note.id}, version ${output.note.version}).`,
});
