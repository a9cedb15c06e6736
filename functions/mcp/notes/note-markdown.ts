import type { CallerIdentity } from '../../../lib/identity.js';
import type { Note } from './notes-store.js';

/** A note as a Markdown document: what the note resource serves and the prompts embed. */
export function noteMarkdown(note: Note): string {
  const tags = note.tags.length > 0 ? `\n\nTags: ${note.tags.join(', ')}` : '';
  return `# ${note.title}\n\n${note.body}${tags}\n`;
}

/** Ids of the caller's notes that start with `prefix`, for completions (the first 100 notes, oldest first). */
export async function noteIdsStartingWith(
  notes: { list(caller: CallerIdentity, options: { limit: number }): Promise<{ notes: Array<Pick<Note, 'id'>> }> },
  caller: CallerIdentity,
  prefix: string,
): Promise<string[]> {
  const page = await notes.list(caller, { limit: 100 });
  return page.notes.map((note) => note.id).filter((id) => id.startsWith(prefix));
}
