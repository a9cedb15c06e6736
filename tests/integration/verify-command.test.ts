import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult } from '../../verify/checklist.js';
import { runVerify } from '../../verify/cli.js';
import { localCognitoClient } from '../../local/cognito.js';
import { listAppClients } from '../support/cognito-app-clients.js';
import { EXTRA_ALLOWED_ORIGIN } from '../support/global-setup.js';
import { createTestUser } from '../support/test-users.js';
import { type FakeServer, serveDiscoveryAtStagePath, serveEmptyJsonToEverything, serveRegistrationWithStuckAuthorize } from '../support/verify-fake-servers.js';

/**
 * `npm run verify -- URL` against the real local stack (it must pass, without and with a user's
 * credentials, the sign-in driven in Debian's Chromium) and against servers that must fail it: one
 * that answers `200 {}` to everything, and one that serves the product's discovery documents at an
 * execute-api style stage path with a wrong issuer.
 */
const ANONYMOUS_CHECKS = ['challenge', 'resource-metadata', 'as-metadata', 'pkce-s256', 'cimd', 'iss-parameter', 'registration-endpoint', 'cors-allowed', 'cors-refused', 'registration'];
const SIGNED_IN_CHECKS = ['sign-in', 'token', 'tools-list-legacy', 'tools-list-modern', 'whoami', 'origin-with-token', 'revoke', 'cleanup'];

async function verify(args: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const code = await runVerify([...args, '--json'], env, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
  const report = JSON.parse(lines.join('\n')) as { mcpUrl: string; ok: boolean; results: CheckResult[] };
  const outcome = (id: string) => report.results.find((result) => result.id === id);
  return { code, report, outcome };
}

const outcomes = (results: CheckResult[], ids: string[]) => Object.fromEntries(ids.map((id) => [id, results.find((result) => result.id === id)?.outcome]));
const all = (ids: string[], outcome: string) => Object.fromEntries(ids.map((id) => [id, outcome]));

describe('npm run verify against the local stack', () => {
  const stack = inject('stack');

  it('passes every check a client can make without credentials, and skips the signed-in ones', async () => {
    const { code, report } = await verify([stack.baseUrl, '--origin', EXTRA_ALLOWED_ORIGIN]);
    expect(outcomes(report.results, ANONYMOUS_CHECKS), JSON.stringify(report.results)).toEqual(all(ANONYMOUS_CHECKS, 'pass'));
    expect(outcomes(report.results, SIGNED_IN_CHECKS)).toEqual(all(SIGNED_IN_CHECKS, 'skip'));
    expect(report.mcpUrl).toBe(stack.mcpUrl);
    expect(code).toBe(0);
  });

  it('signs in through the consent and login pages in Chromium and passes every check; the client is deleted at the end', { timeout: 120_000 }, async () => {
    const user = await createTestUser(stack);
    const { code, report, outcome } = await verify([stack.mcpUrl, '--origin', EXTRA_ALLOWED_ORIGIN], { MCP_VERIFY_USER: user.username, MCP_VERIFY_PASSWORD: user.password });
    const ids = [...ANONYMOUS_CHECKS, ...SIGNED_IN_CHECKS];
    expect(outcomes(report.results, ids), JSON.stringify(report.results)).toEqual(all(ids, 'pass'));
    expect(code).toBe(0);
    expect(outcome('sign-in')?.detail).toMatch(/^consent → login → callback/);
    expect(outcome('tools-list-legacy')?.detail).toMatch(/^2025-11-25: \d+ tools/);
    expect(outcome('tools-list-modern')?.detail).toMatch(/^2026-07-28: \d+ tools/);
    expect(outcome('whoami')?.detail).toContain(user.sub);
    // The client the sign-in registered is gone from Cognito, not only from the script's view.
    const clientId = /through client (\S+)/.exec(outcome('sign-in')?.detail ?? '')?.[1];
    expect(clientId).toMatch(/\w+/);
    const cognito = localCognitoClient(stack.cognitoEndpoint);
    try {
      expect((await listAppClients(cognito, stack.userPoolId)).map((client) => client.ClientId)).not.toContain(clientId);
    } finally {
      cognito.destroy();
    }
  });

  it("signs in through an operator's client (--no-register --client-id): a wrong password fails with the login page's own message", { timeout: 120_000 }, async () => {
    const user = await createTestUser(stack);
    // The local operator client has http://localhost:53682/callback registered: any loopback port matches it.
    const { code, outcome } = await verify([stack.mcpUrl, '--no-register', '--client-id', stack.operatorClientId, '--redirect-uri', 'http://localhost/callback'], {
      MCP_VERIFY_USER: user.username,
      MCP_VERIFY_PASSWORD: `${user.password}-wrong`,
    });
    expect(code).toBe(1);
    expect(outcome('registration')).toMatchObject({ outcome: 'skip', detail: '--no-register' });
    expect(outcome('sign-in')).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('Incorrect username or password') });
    expect(outcome('token')).toMatchObject({ outcome: 'skip', detail: 'not run: sign-in failed' });
    expect(outcome('cleanup')).toMatchObject({ outcome: 'skip', detail: expect.stringContaining('--client-id') });
  });

  it('says how the sign-in failed without Chromium, and deletes the client it registered for it', async () => {
    const user = await createTestUser(stack);
    const { code, outcome } = await verify([stack.mcpUrl], { MCP_VERIFY_USER: user.username, MCP_VERIFY_PASSWORD: user.password, CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(code).toBe(1);
    expect(outcome('sign-in')).toMatchObject({ outcome: 'fail', detail: 'no Chromium at /nonexistent/chromium: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH' });
    expect(outcome('cleanup')).toMatchObject({ outcome: 'pass', detail: expect.stringMatching(/^client \w+ deleted$/) });
  });
});

describe('npm run verify against servers that must fail it', () => {
  const servers: FakeServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  const started = async <Server extends FakeServer>(server: Promise<Server>) => {
    const running = await server;
    servers.push(running);
    return running;
  };

  it('exits non-zero, with causes, against a server that answers 200 {} to everything (run as the npm script)', { timeout: 60_000 }, async () => {
    const server = await started(serveEmptyJsonToEverything());
    const run = await promisify(execFile)('npm', ['run', '--silent', 'verify', '--', server.url], { cwd: new URL('../..', import.meta.url).pathname }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  [challenge]');
    expect(run.stdout).toContain('HTTP 200 without a token: the endpoint is not protected');
    expect(run.stdout).toContain(`FAIL  [cors-refused] CORS: an unknown Origin is refused with 403 on /mcp (preflight) — preflight from https://verify-unknown-origin.invalid answered HTTP 200, not 403`);
    expect(run.stdout).toMatch(/SKIP {2}\[as-metadata\].*not run: resource-metadata did not run/);
    expect(run.stdout).toMatch(/\d+ passed, 2 failed, \d+ skipped: FAILED/);
  });

  it('deletes the client it registered for a sign-in when interrupted with Ctrl-C (run as the npm script)', { timeout: 60_000 }, async () => {
    const server = await started(serveRegistrationWithStuckAuthorize());
    // Its own process group, signalled as a terminal signals the foreground group on Ctrl-C.
    const child = spawn('npm', ['run', '--silent', 'verify', '--', server.url], {
      cwd: new URL('../..', import.meta.url).pathname,
      detached: true,
      env: { ...process.env, MCP_VERIFY_USER: 'someone', MCP_VERIFY_PASSWORD: 'secret' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
    // The registration check's client (made and deleted), then the sign-in's, which waits at /authorize.
    await server.registered(2);
    await expect.poll(() => server.requests.includes('GET /authorize'), { timeout: 20_000 }).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    // npm itself may end by the signal (a shell shows 130 either way); the script goes on deleting.
    expect(['130', 'SIGINT']).toContain(await exited);
    await expect.poll(() => output, { timeout: 20_000 }).toContain('client client2 deleted');
    expect(output).toContain('Interrupted: deleting the client this run registered');
    expect(server.requests).toContain('DELETE /register/client1');
    expect(server.requests).toContain('DELETE /register/client2');
  });

  it('fails on an issuer that differs from the URL its metadata was fetched from', async () => {
    const server = await started(serveDiscoveryAtStagePath({ issuer: 'https://login.example.com' }));
    const { code, outcome } = await verify([`${server.url}/prod/mcp`, '--no-register']);
    expect(code).toBe(1);
    expect(outcome('challenge')?.outcome).toBe('pass');
    expect(outcome('resource-metadata')?.outcome).toBe('pass');
    expect(outcome('as-metadata')).toMatchObject({
      outcome: 'fail',
      detail: expect.stringContaining(`issuer "https://login.example.com" differs from ${server.url}/prod, the URL its metadata was fetched from (${server.url}/prod/.well-known/openid-configuration)`),
    });
    expect(outcome('pkce-s256')).toMatchObject({ outcome: 'skip', detail: 'not run: as-metadata failed' });
  });

  it('finds the metadata of an execute-api style URL where the MCP discovery order does, and names the URLs not served', async () => {
    const server = await started(serveDiscoveryAtStagePath());
    const { outcome } = await verify([`${server.url}/prod`, '--no-register']);
    expect(outcome('as-metadata')).toMatchObject({ outcome: 'pass', detail: expect.stringMatching(new RegExp(`^${server.url}/prod/.well-known/openid-configuration \\(not served: ${server.url}/.well-known/oauth-authorization-server/prod → 403`)) });
    for (const id of ['pkce-s256', 'cimd', 'iss-parameter', 'registration-endpoint']) expect(outcome(id)?.outcome).toBe('pass');
  });
});
