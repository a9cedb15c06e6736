import { z } from 'zod';
import { noteId } from '../notes/note-schema.js';
import { ToolError, defineTool } from '../tool.js';

export default defineTool({
  name: 'notes_delete',
  title: 'Delete a note',
  description: 'Deletes one of your notes, only if it is still at the version you last read.',
  scope: 'write',
  inputSchema: {
    id: noteId,
    expectedVersion: z.number().int().positive().describe('The version you last read'),
  },
  outputSchema: { id: noteId, deletedVersion: z.number().int().positive() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(input, { caller, services }) {
    const result = await services.notes.delete(caller, input.id, input.expectedVersion);
    if (result.ok) return { id: input.id, deletedVersion: result.note.version };
    if (result.reason === 'not_found') throw new ToolError('not_found', `You have no note with id "${input.id}".`);
    throw new ToolError(
      'conflict',
      `The note changed: it is at version ${result.currentVersion}, not ${input.expectedVersion}. Read it again, then retry.`,
    );
  },
  render: (output) => `Deleted note ${output.id} (version ${output.deletedVersion}).`,
});
