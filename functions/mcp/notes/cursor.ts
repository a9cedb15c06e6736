import { ToolError } from '../tool.js';

/**
 * Opaque pagination cursors: base64url of a small versioned JSON object. They carry only where
 * to continue within the caller's own partition (the partition key is always the caller's
 * principal, never read from the cursor), and are bound to the query they came from, so a
 * cursor cannot reach another user's data nor be replayed against a different search.
 */
interface CursorPayload {
  v: 1;
  /** The note id to continue after. */
  after: string;
  /** Which listing the cursor belongs to (e.g. `list`, or `search:` + the query). */
  scope: string;
}

export function encodeCursor(after: string, scope: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after, scope } satisfies CursorPayload)).toString('base64url');
}

export function decodeCursor(cursor: string, scope: string): string {
  let payload: Partial<CursorPayload> | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    payload = undefined;
  }
  if (!payload || payload.v !== 1 || typeof payload.after !== 'string' || payload.after.length === 0) {
    throw new ToolError('invalid_argument', 'The cursor is not one this server issued; start again without a cursor.');
  }
  if (payload.scope !== scope) {
    throw new ToolError('invalid_argument', 'The cursor belongs to a different listing or search; start again without a cursor.');
  }
  return payload.after;
}
