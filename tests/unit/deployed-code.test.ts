import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../local/settings.js';
import { deployedFiles, deployedFolders, deployedHandlerFiles } from '../../scripts/deployed-code.js';
import { SERVICE_FILES } from '../../scripts/package-service.js';

/**
 * scripts/deployed-code.ts works out the deployed code from serverless.yml; tsconfig.json cannot
 * compute anything, so this holds its include to that list (a folder left out of it is never
 * type-checked, as oauth/ was: its token, revoke and metadata handlers passed `npm run typecheck`
 * unread).
 */
function tsconfig(): { include: string[]; fileNames: string[] } {
  const path = join(PROJECT_ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT);
  return { include: config.include as string[], fileNames: parsed.fileNames };
}

describe('the deployed code (scripts/deployed-code.ts)', () => {
  it('is every handler serverless.yml names, a stage parameter (the /mcp handler) resolved', () => {
    const functions = (parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as { functions: Record<string, unknown> }).functions;
    const handlers = deployedHandlerFiles();
    expect(handlers).toContain('functions/mcp/stream-handler.ts');
    expect(handlers).toContain('oauth/token-handler.ts');
    expect(handlers.every((file) => !file.includes('${'))).toBe(true);
    // Each file once; functions may share one, so there are no more files than functions.
    expect(handlers.length).toBe(new Set(handlers).size);
    expect(handlers.length).toBeLessThanOrEqual(Object.keys(functions).length);
  });

  it('follows imports into the shared folders', () => {
    const files = deployedFiles();
    expect(files).toContain('lib/logger.ts');
    expect(files).toContain('oauth/metadata-config.ts');
    expect(deployedFolders()).toEqual(expect.arrayContaining(['authorizer', 'dcr', 'functions', 'lib', 'oauth']));
    // Nothing deployed reaches the local stack, the tests or the admin CLI.
    expect(deployedFolders().filter((folder) => ['local', 'tests', 'admin', 'bench'].includes(folder))).toEqual([]);
  });

  it("is in tsconfig's include, so `npm run typecheck` checks every deployed file", () => {
    const { include, fileNames } = tsconfig();
    expect(deployedFolders().filter((folder) => !include.includes(folder))).toEqual([]);
    const checked = new Set(fileNames.map((file) => file.slice(PROJECT_ROOT.length + 1)));
    expect(deployedFiles().filter((file) => file.endsWith('.ts') && !checked.has(file))).toEqual([]);
  });

  it('is what packaging copies', () => {
    expect(SERVICE_FILES).toEqual(expect.arrayContaining(deployedFolders()));
  });
});
