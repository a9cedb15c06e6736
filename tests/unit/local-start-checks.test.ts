import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FETCH_BAD_PORTS } from '../../local/fetch-bad-ports.js';
import { namesAnotherAddress, operatorAppClientAddressSettings } from '../../local/operator-client.js';
import { settingsFromEnv } from '../../local/settings.js';
import { checkPortsFree, inspectExistingStack, javaMajorVersion, javaProblem } from '../../local/start-checks.js';

describe('the local stack refuses, before starting anything, what would fail half-way', () => {
  it('reads the Java major version from `java -version` in its old and new forms', () => {
    expect(javaMajorVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(javaMajorVersion('java version "1.8.0_402"')).toBe(8);
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorVersion('openjdk version "25-ea" 2025-09-16')).toBe(25);
    expect(javaMajorVersion('command not found')).toBeUndefined();
  });

  it('names a missing, failing or too old Java with the install hint, and accepts Java 17+', () => {
    const enoent = Object.assign(new Error('spawnSync java ENOENT'), { code: 'ENOENT' });
    expect(javaProblem({ error: enoent, status: null, output: '' })).toMatch(/^Java was not found \(no `java` on PATH\)\. .*apt-get install openjdk-17-jre-headless/);
    expect(javaProblem({ status: 1, output: 'Error: could not find libjava.so\n' })).toMatch(/^`java -version` failed \(exit 1\): Error: could not find libjava.so\. DynamoDB Local runs on Java 17/);
    expect(javaProblem({ status: 0, output: 'java version "1.8.0_402"' })).toMatch(/^Java 8 is too old\. /);
    expect(javaProblem({ status: 0, output: 'openjdk version "17.0.15" 2025-04-15' })).toBeUndefined();
    expect(javaProblem({ status: 0, output: 'openjdk version "21.0.1" 2023-10-17' })).toBeUndefined();
  });

  it('refuses the ports fetch refuses, with the reason, and a port given to two parts', () => {
    expect(() => settingsFromEnv({ MCP_LOCAL_PORT: '6000' })).toThrow(/^MCP_LOCAL_PORT=6000: fetch refuses this port \(a "bad port" of the WHATWG Fetch standard/);
    expect(() => settingsFromEnv({ MCP_LOCAL_COGNITO_PORT: '6666' })).toThrow(/^MCP_LOCAL_COGNITO_PORT=6666: fetch refuses/);
    expect(() => settingsFromEnv({ MCP_LOCAL_DYNAMODB_PORT: '3000' })).toThrow('MCP_LOCAL_PORT and MCP_LOCAL_DYNAMODB_PORT are both 3000');
    expect(settingsFromEnv({ MCP_LOCAL_PORT: '6001' }).apiPort).toBe(6001);
  });

  it('has exactly the bad ports of this Node\'s fetch (undici), checked by fetching each and its neighbours', async () => {
    const refusedAsBadPort = async (port: number) => {
      try {
        await fetch(`http://localhost:${port}/`, { signal: AbortSignal.timeout(2000) });
        return false;
      } catch (error) {
        return String((error as { cause?: { message?: string } }).cause?.message).includes('bad port');
      }
    };
    const neighbours = [...FETCH_BAD_PORTS].flatMap((port) => [port - 1, port + 1]).filter((port) => port > 0 && !FETCH_BAD_PORTS.has(port));
    const [listed, others] = await Promise.all([
      Promise.all([...FETCH_BAD_PORTS].map(refusedAsBadPort)),
      Promise.all(neighbours.map(refusedAsBadPort)),
    ]);
    expect(listed.every(Boolean)).toBe(true);
    expect(others.some(Boolean)).toBe(false);
  });

  it('names every taken port with its variable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, () => resolve()));
    const taken = (server.address() as { port: number }).port;
    try {
      const settings = { ...settingsFromEnv({}), cognitoPort: taken };
      await expect(checkPortsFree(settings)).rejects.toThrow(new RegExp(`already in use: .*${taken} \\(MCP_LOCAL_COGNITO_PORT\\)`));
    } finally {
      server.close();
    }
  });
});

describe('the "already running" check (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-start-checks-'));
  const file = join(dir, 'stack.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (info: object) => writeFileSync(file, JSON.stringify(info));
  const info = { pid: 4242, baseUrl: 'http://localhost:3750' };

  it('starts when there is no file, and removes a file whose process is gone or which is unreadable', async () => {
    rmSync(file, { force: true });
    expect(await inspectExistingStack(file)).toEqual({ kind: 'none' });
    write(info);
    expect(await inspectExistingStack(file, { isAlive: () => false, answers: async () => true })).toEqual({ kind: 'stale' });
    writeFileSync(file, '{"pid": 42');
    expect(await inspectExistingStack(file, { isAlive: () => true, answers: async () => true })).toEqual({ kind: 'stale' });
  });

  it('reports a live stack that answers', async () => {
    write(info);
    expect(await inspectExistingStack(file, { isAlive: () => true, answers: async () => true })).toMatchObject({ kind: 'running', info });
  });

  it("never declares stale the file of a live process whose API does not answer (on a port fetch refuses, still starting, stuck): it names the fix", async () => {
    write({ ...info, baseUrl: 'http://localhost:6000' });
    const probed: string[] = [];
    const found = await inspectExistingStack(file, { isAlive: (pid) => pid === 4242, answers: async (url) => (probed.push(url), false) });
    expect(probed).toEqual(['http://localhost:6000']);
    expect(found).toEqual({ kind: 'unclear', message: expect.stringContaining('names process 4242, which is running, but http://localhost:6000/health does not answer') });
    expect((found as { message: string }).message).toContain(`kill 4242`);
    expect((found as { message: string }).message).toContain(`delete ${file}`);
  });

  it('with the real probes: this very process, on a port nothing answers, is "unclear", not stale', async () => {
    write({ pid: process.pid, baseUrl: 'http://localhost:6000' });
    expect((await inspectExistingStack(file)).kind).toBe('unclear');
  });
});

describe('the saved operator client follows MCP_LOCAL_PORT', () => {
  it('names the scopes and the facade callback of the current address', () => {
    expect(operatorAppClientAddressSettings('http://localhost:3750')).toEqual({
      AllowedOAuthScopes: ['http://localhost:3750/mcp/read', 'http://localhost:3750/mcp/write', 'http://localhost:3750/mcp/admin'],
      CallbackURLs: ['http://localhost:3750/oauth/callback'],
    });
  });

  it('sees a client saved under another port, and none saved under this one', () => {
    const saved = operatorAppClientAddressSettings('http://localhost:3000');
    expect(namesAnotherAddress(saved, 'http://localhost:3000')).toBe(false);
    expect(namesAnotherAddress({ ...saved, AllowedOAuthScopes: [...saved.AllowedOAuthScopes].reverse() }, 'http://localhost:3000')).toBe(false);
    expect(namesAnotherAddress(saved, 'http://localhost:3750')).toBe(true);
    expect(namesAnotherAddress({ ...operatorAppClientAddressSettings('http://localhost:3750'), CallbackURLs: saved.CallbackURLs }, 'http://localhost:3750')).toBe(true);
    expect(namesAnotherAddress({}, 'http://localhost:3000')).toBe(true);
  });
});
