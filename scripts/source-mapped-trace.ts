import { SourceMap } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/**
 * Maps the bundle positions of a logged stack trace back to the TypeScript they were built from,
 * with the source maps `serverless package` keeps beside the package (.serverless/sourcemaps, see
 * serverless-plugins/source-maps.cjs). Node's own parser (node:module SourceMap) reads the maps.
 *
 * Accepts what an operator copies out of CloudWatch: a plain trace, a Powertools log line (its
 * `error.stack` and `error.location`), or the Lambda runtime's error record (`stack` as an array of
 * lines), one per line or pretty-printed.
 */

/** A frame's position in a bundle: `file:///var/task/functions/mcp/stream-handler.mjs:1:2345`, with or without `file://`. */
const BUNDLE_POSITION = /(?:file:\/\/)?([^\s()"'`]+?\.m?js):(\d+):(\d+)/g;
/** `    at name (position)` or `    at position`. */
const FRAME = /^(\s*at\s+)(?:(.+?)\s+\()?((?:file:\/\/)?[^\s()]+?\.m?js:\d+:\d+)\)?\s*$/;

interface Original {
  source: string;
  line: number;
  column: number;
  /** The identifier at that position in the source (for a call: the function it calls). */
  name: string | undefined;
}

export interface SourceMaps {
  /** The original position of a bundle position (1-based line and column, as a trace prints them); undefined if no map covers it. */
  originalOf(bundlePath: string, line: number, column: number): Original | undefined;
  /** The bundles there are maps for, as paths inside their zips (e.g. functions/mcp/stream-handler.mjs). */
  bundles: readonly string[];
  /** The bundles whose maps answered so far. */
  used: ReadonlySet<string>;
}

/** The maps in `folder` (a build's .serverless/sourcemaps), loaded as a trace needs them. */
export function sourceMapsIn(folder: string): SourceMaps {
  const bundles = mapFilesUnder(folder).map((file) => relative(folder, file).slice(0, -'.map'.length).split(sep).join('/'));
  const loaded = new Map<string, SourceMap>();
  const used = new Set<string>();
  const mapOf = (bundle: string) => {
    if (!loaded.has(bundle)) loaded.set(bundle, new SourceMap(JSON.parse(readFileSync(join(folder, `${bundle}.map`), 'utf8'))));
    return loaded.get(bundle)!;
  };
  // A trace names the bundle by its path on Lambda (/var/task/<path in the zip>) or wherever it ran: the longest known suffix wins.
  const bundleOf = (path: string) =>
    bundles.filter((bundle) => path === bundle || path.endsWith(`/${bundle}`)).sort((a, b) => b.length - a.length)[0];
  return {
    bundles,
    used,
    originalOf(bundlePath, line, column) {
      const bundle = bundleOf(bundlePath);
      if (bundle === undefined) return undefined;
      used.add(bundle);
      const entry = mapOf(bundle).findEntry(line - 1, column - 1);
      if (!('originalSource' in entry)) return undefined;
      return {
        source: readableSource(bundle, entry.originalSource),
        line: entry.originalLine + 1,
        column: entry.originalColumn + 1,
        // Node reports the mapping's name (@types/node 20 does not declare it yet).
        name: (entry as { name?: string }).name,
      };
    },
  };
}

/**
 * The source as a path in the project. A map names its sources relative to where esbuild wrote it
 * (.esbuild/.build/<the bundle's folder>), at the same depth as .serverless/sourcemaps/<the
 * bundle's folder>, so they resolve the same from there, wherever the folder has been copied to
 * since. Dependencies (symlinked node_modules resolve to where they are installed) from node_modules on.
 */
function readableSource(bundle: string, source: string): string {
  const inProject = posix.normalize(posix.join('.serverless', 'sourcemaps', posix.dirname(bundle), source));
  const dependency = inProject.lastIndexOf('node_modules/');
  if (dependency >= 0) return inProject.slice(dependency);
  return inProject;
}

function mapFilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return mapFilesUnder(path);
    return path.endsWith('.map') ? [path] : [];
  });
}

/** The traces in what was pasted: JSON log records give their stack (and a Powertools error's location); other lines are kept as they are. */
export function tracesIn(text: string): string {
  const whole = parseJson(text.trim());
  if (whole !== undefined) return stacksOf(whole).join('\n\n');
  return text
    .split('\n')
    .map((line) => {
      // CloudWatch lines may carry a text prefix (timestamp, request id, level) before the record.
      const start = line.indexOf('{');
      const record = start >= 0 ? parseJson(line.slice(start)) : undefined;
      const stacks = record === undefined ? [] : stacksOf(record);
      return stacks.length > 0 ? stacks.join('\n\n') : line;
    })
    .join('\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stacksOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(stacksOf);
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  if (typeof record.stack === 'string') found.push(record.stack);
  else if (Array.isArray(record.stack) && record.stack.every((line) => typeof line === 'string')) found.push(record.stack.join('\n'));
  else if (typeof record.location === 'string') found.push(`location: ${record.location}`);
  for (const [key, nested] of Object.entries(record)) if (key !== 'stack') found.push(...stacksOf(nested));
  return found;
}

/**
 * Rewrites each bundle position in `trace` to its original file, line and column. A frame's
 * function name comes, as Node's --enable-source-maps has it, from the name its caller's frame
 * (the next line) calls it by; a minified name stays when the caller is not mapped. Positions no
 * map covers are left as they are, and the result says how many were mapped.
 */
export function mapTrace(trace: string, maps: SourceMaps): { text: string; mapped: number; unmapped: number } {
  let mapped = 0;
  let unmapped = 0;
  const lines = trace.split('\n');
  const frames = lines.map((line) => FRAME.exec(line));
  const originals = frames.map((frame) => (frame ? originalOfPosition(frame[3]!, maps) : undefined));
  const text = lines
    .map((line, index) => {
      const frame = frames[index];
      const original = originals[index];
      if (frame && original) {
        mapped++;
        const name = originals[index + 1]?.name ?? frame[2];
        const where = `${original.source}:${original.line}:${original.column}`;
        return `${frame[1]}${name ? `${name} (${where})` : where}`;
      }
      return line.replace(BUNDLE_POSITION, (position) => {
        const elsewhere = originalOfPosition(position, maps);
        if (!elsewhere) {
          unmapped++;
          return position;
        }
        mapped++;
        return `${elsewhere.source}:${elsewhere.line}:${elsewhere.column}`;
      });
    })
    .join('\n');
  return { text, mapped, unmapped };
}

function originalOfPosition(position: string, maps: SourceMaps): Original | undefined {
  const match = new RegExp(BUNDLE_POSITION.source).exec(position);
  if (!match) return undefined;
  return maps.originalOf(match[1]!, Number(match[2]), Number(match[3]));
}
