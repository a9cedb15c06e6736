import { noteId, note } from '../notes/note-schema.js';
import { ToolError, defineTool } from '../tool.js';

export default defineTool({
  name: 'notes_get',
  title: 'Read a note',
  description: 'Returns one of your notes with its current version.',
  scope: 'read',
  inputSchema: { id: noteId },
  outputSchema: { note },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, { caller, services }) {
    const found = await services.notes.get(caller, input.id);
    if (!found) throw new ToolError('not_found', `You have no note with id "${input.id}".`);
    return { note: found };
  },
  render: ({ note: found }) => `# ${found.title}\n\n${found.body}\n\n(id ${found.id}, version ${found.version})`,
});
