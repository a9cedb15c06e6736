import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { node22 } from '../support/conformance-cli.js';
import { INSPECTOR_CLI } from '../support/node22-tools.js';

/**
 * The MCP Inspector CLI (2.12.0) doing its own OAuth against the local stack: by DCR with its
 * default callback http://127.0.0.1:6276/oauth/callback (which Cognito itself would refuse as a
 * callback URL), and by CIMD with --client-metadata-url. It runs on the Node 22 of tools/node22
 * (the Inspector declares node >=22.19). It prints the URL to open
 * ("Please navigate to: …"); an xdg-open stand-in on PATH keeps its auto-open from opening anything, and the
 * test plays the browser: consent, sign-in, the facade callback, then the Inspector's listener.
 */

describe('the MCP Inspector CLI signs in through the facade', () => {
  const stack = inject('stack');
  const cimd = inject('cimd');
  const dir = mkdtempSync(join(tmpdir(), 'inspector-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(extraArgs: string[], callbackPort: number) {
    expect(existsSync(INSPECTOR_CLI), 'the Inspector is not installed: run npm ci (its postinstall fills tools/node22)').toBe(true);
    const home = join(dir, `home-${callbackPort}`);
    const shims = join(home, 'bin');
    mkdirSync(shims, { recursive: true });
    writeFileSync(join(shims, 'xdg-open'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(shims, 'xdg-open'), 0o755);
    const child = spawn(node22(), [INSPECTOR_CLI, '--cli', stack.mcpUrl, '--transport', 'http', '--method', 'tools/list', ...extraArgs], {
      env: { PATH: `${shims}:${process.env.PATH}`, HOME: home, MCP_INSPECTOR_SECRET_STORE: 'memory', MCP_AUTO_OPEN_ENABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no authorization URL from the Inspector:\n${stderr}${stdout}`)), 30_000);
        const look = () => {
          const match = /Please navigate to: (\S+)/.exec(stderr + stdout);
          if (match) (clearTimeout(timer), resolve(new URL(match[1]!)));
        };
        child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), look()));
        child.stdout.on('data', look);
      });
      expect(`${url.origin}${url.pathname}`).toBe(`${stack.baseUrl}/authorize`);
      const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
      const consent = await browser.fetch(url);
      expect(consent.status, await consent.clone().text()).toBe(200);
      const form = consentForm(await consent.text());
      const toCognito = await browser.fetch(form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
        body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
      });
      const back = await browser.fetch(await signInThroughLoginPage(new URL(toCognito.headers.get('location')!), stack.demoUser));
      const redirect = new URL(back.headers.get('location')!);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(`http://127.0.0.1:${callbackPort}/oauth/callback`);
      expect(redirect.searchParams.get('iss')).toBe(stack.baseUrl);
      await fetch(redirect).catch(() => undefined);
      expect(await exited).toBe(0);
      return { url, stdout };
    } finally {
      child.kill();
    }
  }

  it('by DCR on http://127.0.0.1:6276/oauth/callback: tools/list', async () => {
    const { url, stdout } = await run([], 6276);
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:6276/oauth/callback');
    expect(url.searchParams.get('client_id')).toMatch(/^\w+$/);
    expect(stdout).toContain('whoami');
  }, 90_000);

  it('by CIMD with --client-metadata-url: tools/list', async () => {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const callback = `http://127.0.0.1:${port}/oauth/callback`;
    const name = `inspector-${crypto.randomUUID().slice(0, 8)}`;
    const documentUrl = `${cimd.origin}/${name}.json`;
    writeFileSync(join(cimd.dir, `${name}.json`), JSON.stringify({
      client_id: documentUrl, client_name: 'MCP Inspector (CIMD)', redirect_uris: ['http://127.0.0.1/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    }));
    const { url, stdout } = await run(['--client-metadata-url', documentUrl, '--callback-url', callback], port);
    expect(url.searchParams.get('client_id')).toBe(documentUrl);
    expect(stdout).toContain('whoami');
  }, 90_000);
});
