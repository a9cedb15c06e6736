import { noteIdsStartingWith, noteMarkdown } from '../notes/note-markdown.js';
import { noteId } from '../notes/note-schema.js';
import { definePrompt } from '../prompt.js';
import { ToolError } from '../tool.js';

/** Asks the model to summarize one of the caller's notes, the note embedded as a resource. */
export default definePrompt({
  name: 'summarize_note',
  title: 'Summarize a note',
  description: 'A request to summarize one of your notes in a few sentences, with the note attached.',
  scope: 'read',
  arguments: { id: noteId.describe('The id of the note to summarize') },
  async get({ id }, { caller, services }) {
    const found = await services.notes.get(caller, id);
    if (!found) throw new ToolError('not_found', `You have no note with id "${id}".`);
    return {
      description: `Summarize "${found.title}"`,
      messages: [
        { role: 'user', content: { type: 'text', text: 'Summarize this note in three sentences or fewer, keeping names, numbers and dates.' } },
        { role: 'user', content: { type: 'resource', resource: { uri: `note://${found.id}`, mimeType: 'text/markdown', text: noteMarkdown(found) } } },
      ],
    };
  },
  complete: {
    id: (prefix, { caller, services }) => noteIdsStartingWith(services.notes, caller, prefix),
  },
});
