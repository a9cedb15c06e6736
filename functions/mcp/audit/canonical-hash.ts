import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of a JSON value in canonical form (object keys sorted at every level), so the
 * same input always hashes the same. The audit trail records this instead of the input itself:
 * calls can be correlated and compared without the log ever holding what the user sent.
 */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Text already rendered, as opposed to a value still to render. */
class Literal {
  constructor(readonly text: string) {}
}

/**
 * Canonical JSON text of a value. It walks the value with a stack of its own rather than by
 * recursion: it runs on client input for the audit trail, the one thing that must not fail, so no
 * depth of nesting may overflow the call stack here (the request body is bounded before parsing,
 * protocol/json-nesting.ts, but this does not rely on it).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Work still to do, last item first: values to render and literal text between them.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item instanceof Literal) {
      out.push(item.text);
    } else if (item === null || typeof item !== 'object') {
      out.push(JSON.stringify(item ?? null));
    } else if (Array.isArray(item)) {
      pending.push(new Literal(']'));
      for (let index = item.length - 1; index >= 0; index--) {
        pending.push(item[index]);
        if (index > 0) pending.push(new Literal(','));
      }
      pending.push(new Literal('['));
    } else {
      const entries = Object.entries(item as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      pending.push(new Literal('}'));
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, entry] = entries[index]!;
        pending.push(entry, new Literal(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`));
      }
      pending.push(new Literal('{'));
    }
  }
  return out.join('');
}
