/**
 * The code serverless.yml deploys, worked out from serverless.yml itself: each function's handler
 * file, and the top-level folders of every file those handlers import (relative imports, followed
 * to the end). The one list that packaging (scripts/package-service.ts), the bench
 * (bench/bundles.ts), the floating-promise test and tsconfig's include (held to it by
 * tests/unit/deployed-code.test.ts, since a tsconfig cannot compute it) read, so that a new
 * deployed folder cannot be left out of one of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');

interface ServerlessConfig {
  params?: Record<string, Record<string, unknown> | undefined>;
  functions?: Record<string, { handler?: string } | undefined>;
}

const PARAM = /^\$\{param:([A-Za-z0-9_]+)\}$/;

/** Every handler file (relative to the root) a function of serverless.yml names, on any stage. */
export function deployedHandlerFiles(root = ROOT): string[] {
  const config = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as ServerlessConfig;
  const files = new Set<string>();
  for (const [name, fn] of Object.entries(config.functions ?? {})) {
    if (!fn?.handler) throw new Error(`serverless.yml: function ${name} names no handler`);
    // `${param:x}`: whatever any stage (or the default) sets x to.
    const param = PARAM.exec(fn.handler)?.[1];
    const handlers = param
      ? Object.values(config.params ?? {}).flatMap((values) => (values && typeof values[param] === 'string' ? [values[param] as string] : []))
      : [fn.handler];
    if (handlers.length === 0) throw new Error(`serverless.yml: function ${name}'s handler ${fn.handler} is set by no stage`);
    for (const handler of handlers) {
      const file = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
      if (!existsSync(join(root, file))) throw new Error(`serverless.yml: function ${name}'s handler ${handler} has no file ${file}`);
      files.add(file);
    }
  }
  return [...files].sort();
}

/** The source file a relative import names: `./x.js` is ./x.ts in this NodeNext project. */
function importedFile(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => /\.(ts|json)$/.test(candidate) && existsSync(candidate));
}

/** Every project file (relative to the root) the handlers reach through relative imports. */
export function deployedFiles(root = ROOT): string[] {
  const seen = new Set<string>();
  const pending = deployedHandlerFiles(root).map((file) => join(root, file));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = importedFile(file, fileName);
      if (!target) throw new Error(`${relative(root, file)}: cannot find the file ${fileName} names`);
      pending.push(target);
    }
  }
  return [...seen].map((file) => relative(root, file).split(sep).join('/')).sort();
}

/** The top-level folders that hold deployed code, sorted: what tsconfig, packaging and the checks of deployed code cover. */
export function deployedFolders(root = ROOT): string[] {
  return [...new Set(deployedFiles(root).map((file) => file.split('/')[0]!))].sort();
}
