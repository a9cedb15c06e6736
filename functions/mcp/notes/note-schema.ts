import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Schemas the notes tools share. */
export const noteId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'A note id is 1 to 64 letters, digits, "_" or "-"')
  .describe('The note id');

export const note = z.object({
  id: noteId,
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  version: z.number().int().positive().describe('Pass this as expectedVersion to change or delete the note'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const pageLimit = z.number().int().min(1).max(100).default(20).describe('Notes per page (1-100, default 20)');
export const cursor = z.string().max(1024).optional().describe('nextCursor of the previous page; omit for the first page');
export const nextCursor = z.string().optional().describe('Present when more notes follow: pass it as cursor');

/** Time-ordered ids, so a listing shows notes in creation order. */
export function newNoteId(now: Date): string {
  return `n${now.getTime().toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}
