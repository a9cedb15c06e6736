import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { followAuthorization } from '../support/authorization-code.js';
import { BrowserFetch } from '../support/browser-fetch.js';
import { CONFORMANCE_CLI, type ConformanceRun, node22, summaryOf, summaryText } from '../support/conformance-cli.js';

/**
 * The official conformance suite's authorization-server scenarios (`conformance authorization`:
 * authorization-server-metadata-endpoint, authorization-code-grant) against the facade of the local
 * stack. The second prints an authorization URL and waits for a browser to bring the code to
 * http://127.0.0.1:PORT/callback; the test is that browser (consent, cognito-local's login page as
 * the demo user, the facade callback), with the same steps a person takes. The suite then redeems
 * the code at /token with PKCE and checks the response.
 */
describe('MCP conformance: authorization server scenarios against the local stack', () => {
  const stack = inject('stack');

  it('passes authorization-server-metadata-endpoint and authorization-code-grant with a driven sign-in', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const registered = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'MCP conformance suite', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };

    const signIns: Array<Promise<unknown>> = [];
    const run = await runAuthorizationScenarios(
      ['--url', stack.baseUrl, '--client-id', clientId, '--resource', stack.mcpUrl, '--port', String(port)],
      (authorizeUrl) => signIns.push(signIn(authorizeUrl)),
    );
    await Promise.all(signIns);
    console.log(`MCP conformance, authorization server scenarios (local stack):\n${summaryText(run)}`);
    expect(signIns).toHaveLength(1);
    expect(run.scenarios.map(({ scenario, ok, failed }) => ({ scenario, ok, failed }))).toEqual([
      { scenario: 'authorization-server-metadata-endpoint', ok: true, failed: 0 },
      { scenario: 'authorization-code-grant', ok: true, failed: 0 },
    ]);
    expect(run.code, run.output.slice(-3000)).toBe(0);
  });

  /** The browser's part: from the URL the suite printed to its callback listener, which gets the code. */
  async function signIn(authorizeUrl: URL): Promise<void> {
    const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
    const { consentHtml, redirect } = await followAuthorization(stack, authorizeUrl, browser);
    expect(consentHtml).toContain('MCP conformance suite');
    expect(redirect.searchParams.get('code')).toBeTruthy();
    const delivered = await fetch(redirect, { redirect: 'manual' });
    expect(delivered.status).toBeLessThan(500);
  }
});

/**
 * Runs `conformance authorization` on Node 22, calling `onAuthorizationUrl` for each authorization
 * URL it prints (the line after "Access the following URL in your browser").
 */
function runAuthorizationScenarios(args: string[], onAuthorizationUrl: (url: URL) => void, timeoutMs = 80_000): Promise<ConformanceRun> {
  const outputDir = mkdtempSync(join(tmpdir(), 'mcp-conformance-as-'));
  return new Promise((done, fail) => {
    const child = spawn(node22(), [CONFORMANCE_CLI, 'authorization', ...args, '-o', outputDir], { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    let expectUrl = false;
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (expectUrl && /^https?:\/\//.test(line.trim())) {
          expectUrl = false;
          onAuthorizationUrl(new URL(line.trim()));
        }
        if (line.includes('Access the following URL in your browser')) expectUrl = true;
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, output, scenarios: summaryOf(output) });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
