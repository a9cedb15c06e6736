const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export interface NestingBound {
  /** The text with every array or object deeper than the bound replaced by `null`; the text itself when nothing was. */
  text: string;
  /** Whether anything nested deeper than the bound. */
  tooDeep: boolean;
}

/**
 * Bounds the nesting of JSON text before anything parses or walks it. JSON from a client can nest
 * arrays and objects tens of thousands of levels deep in a few kilobytes, and every recursive walk
 * over the parsed value (a canonical hash, a schema, JSON.stringify) then overflows the stack. One
 * linear pass counts the brackets outside strings (so `"[[["` counts nothing); every array or
 * object that would open at depth `maxDepth + 1` is cut out and replaced by `null`, so what is left
 * parses into a value no deeper than `maxDepth`, which still shows what the message was (a
 * tools/call, and for which tool) so that even a refused call can be audited.
 *
 * Invalid JSON stays invalid or becomes a shorter invalid text; it is not this function's to judge.
 */
export function boundJsonNesting(text: string, maxDepth: number): NestingBound {
  let depth = 0;
  let cutStart = -1;
  let copiedUpTo = 0;
  // The next quote and backslash at or after a position, each searched again only once passed, so
  // that the whole pass stays linear however many escapes a string holds. -1: there is none left.
  let nextQuote = -2;
  let nextBackslash = -2;
  const parts: string[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      // Straight to the quote that ends the string (indexOf is much faster than a loop over every
      // character, and most of a body is strings): the first quote not escaped by a backslash.
      for (;;) {
        const from = index + 1;
        if (nextQuote !== -1 && nextQuote < from) nextQuote = text.indexOf('"', from);
        if (nextBackslash !== -1 && nextBackslash < from) nextBackslash = text.indexOf('\\', from);
        if (nextQuote === -1) return finish(); // An unterminated string: invalid JSON, nothing deeper to count.
        if (nextBackslash !== -1 && nextBackslash < nextQuote) {
          index = nextBackslash + 1; // The escaped character, a quote included, never ends the string.
          continue;
        }
        index = nextQuote;
        break;
      }
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      depth++;
      if (depth === maxDepth + 1) cutStart = index;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      if (depth === maxDepth + 1) {
        parts.push(text.slice(copiedUpTo, cutStart), 'null');
        copiedUpTo = index + 1;
        cutStart = -1;
      }
      depth--;
    }
  }
  return finish();

  function finish(): NestingBound {
    if (cutStart >= 0) parts.push(text.slice(copiedUpTo, cutStart), 'null'); // Never closed: cut to the end.
    else if (parts.length > 0) parts.push(text.slice(copiedUpTo));
    return parts.length === 0 ? { text, tooDeep: false } : { text: parts.join(''), tooDeep: true };
  }
}
