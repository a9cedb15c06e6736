import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callerCredentialsFromEnvironment } from '../../lib/aws/caller-credentials.js';
import { offlineEnvironment } from '../../local/offline.js';
import { PROJECT_ROOT, STACK_SET_VARIABLES, settingsFromEnv } from '../../local/settings.js';

/** Every `${env:NAME...}` the service definition reads (serverless.yml and resources/*.yml). */
function environmentVariablesReadByTheService(): string[] {
  const files = ['serverless.yml', ...readdirSync(join(PROJECT_ROOT, 'resources')).map((name) => join('resources', name))];
  const names = files.flatMap((file) =>
    [...readFileSync(join(PROJECT_ROOT, file), 'utf8').matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!),
  );
  return [...new Set(names)].sort();
}

describe('the local stack settings (MCP_LOCAL_*) reach serverless.yml (LOCAL_*)', () => {
  it('sets every variable the service definition reads, when each setting is given', () => {
    const settings = settingsFromEnv({ MCP_LOCAL_ALLOWED_ORIGINS: 'http://localhost:5173' });
    const read = environmentVariablesReadByTheService();
    expect(read.length).toBeGreaterThan(0);
    const environment = offlineEnvironment(settings);
    expect(read.filter((name) => environment[name] === undefined)).toEqual([]);
  });

  it("gives the functions the local tool credentials source, which works under serverless-offline only", async () => {
    const environment: Record<string, string | undefined> = { ...offlineEnvironment(settingsFromEnv({})), CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::000000000000:role/secure-mcp-local-CallerToolRole' };
    expect(environment.LOCAL_TOOL_CREDENTIALS).toBe('function-role');
    // serverless-offline adds IS_OFFLINE=true to every function's environment.
    const credentialsFor = callerCredentialsFromEnvironment({ ...environment, IS_OFFLINE: 'true' });
    const caller = { principal: 'u-1', authMethod: 'jwt', sub: 'u-1', username: 'u', clientId: 'c', scopes: [], groups: [], tokenId: 'j', expiresAt: 2e9, clientTrust: 'dynamic' } as const;
    expect((await credentialsFor({ ...caller, scopes: [], groups: [] })).accessKeyId).toBe('local');
    // The same environment in the Lambda runtime, or without serverless-offline, does not start.
    expect(() => callerCredentialsFromEnvironment({ ...environment, IS_OFFLINE: 'true', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toThrow(/LOCAL_TOOL_CREDENTIALS/);
    expect(() => callerCredentialsFromEnvironment(environment)).toThrow(/IS_OFFLINE is not true/);
  });

  it('refuses from the shell exactly the LOCAL_* variables the service definition reads', () => {
    expect(Object.keys(STACK_SET_VARIABLES).sort()).toEqual(environmentVariablesReadByTheService().filter((name) => name.startsWith('LOCAL_')));
  });

  it('passes MCP_LOCAL_ALLOWED_ORIGINS on as LOCAL_ALLOWED_ORIGINS; unset leaves serverless.yml its default', () => {
    const listed = settingsFromEnv({ MCP_LOCAL_ALLOWED_ORIGINS: 'http://localhost:6274 https://app.example.com' });
    expect(offlineEnvironment(listed).LOCAL_ALLOWED_ORIGINS).toBe('http://localhost:6274 https://app.example.com');
    expect(offlineEnvironment(settingsFromEnv({ MCP_LOCAL_ALLOWED_ORIGINS: '' })).LOCAL_ALLOWED_ORIGINS).toBe('');
    expect(offlineEnvironment(settingsFromEnv({})).LOCAL_ALLOWED_ORIGINS).toBeUndefined();
  });

  it.each([
    ['a wildcard', '*', 'wildcard'],
    ['a path', 'http://localhost:5173/app', 'is not an origin'],
    ['not a URL', 'localhost:5173', 'is not an origin'],
  ])('refuses %s in MCP_LOCAL_ALLOWED_ORIGINS, naming the variable', (_label, value, message) => {
    expect(() => settingsFromEnv({ MCP_LOCAL_ALLOWED_ORIGINS: value })).toThrow(/MCP_LOCAL_ALLOWED_ORIGINS/);
    expect(() => settingsFromEnv({ MCP_LOCAL_ALLOWED_ORIGINS: value })).toThrow(message);
  });

  it('refuses a LOCAL_* variable from the shell (the stack sets those itself), naming the MCP_LOCAL_* one to use', () => {
    expect(() => settingsFromEnv({ LOCAL_ALLOWED_ORIGINS: 'http://localhost:5173' })).toThrow(
      'LOCAL_ALLOWED_ORIGINS is set by the local stack itself; set MCP_LOCAL_ALLOWED_ORIGINS instead',
    );
    expect(() => settingsFromEnv({ LOCAL_OFFLINE_PORT: '4002' })).toThrow('set MCP_LOCAL_OFFLINE_PORT instead');
  });

  it('builds the local stack into a folder of its own, which `serverless package` and `deploy` never delete', () => {
    // serverless-esbuild deletes its work folder (custom.esbuild.outputWorkFolder) after packaging.
    const esbuild = (parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: { outputWorkFolder: string } } }).custom.esbuild;
    expect(esbuild.outputWorkFolder).toBe("${env:LOCAL_BUILD_FOLDER, '.esbuild'}");
    const folder = offlineEnvironment(settingsFromEnv({ MCP_LOCAL_OFFLINE_PORT: '4002' })).LOCAL_BUILD_FOLDER!;
    expect(folder).toBe(join('.esbuild-local', '4002'));
    // Two local stacks on different ports do not share one either.
    expect(offlineEnvironment(settingsFromEnv({ MCP_LOCAL_OFFLINE_PORT: '4102' })).LOCAL_BUILD_FOLDER).not.toBe(folder);
    expect(readFileSync(join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.esbuild-local/');
  });

  it('resolves MCP_LOCAL_DATA_DIR against the project root; unset or empty is .local', () => {
    expect(settingsFromEnv({}).dataDir).toBe(join(PROJECT_ROOT, '.local'));
    expect(settingsFromEnv({ MCP_LOCAL_DATA_DIR: '' }).dataDir).toBe(join(PROJECT_ROOT, '.local'));
    expect(settingsFromEnv({ MCP_LOCAL_DATA_DIR: 'state' }).dataDir).toBe(join(PROJECT_ROOT, 'state'));
    expect(settingsFromEnv({ MCP_LOCAL_DATA_DIR: '/tmp/stack' }).dataDir).toBe('/tmp/stack');
  });
});
