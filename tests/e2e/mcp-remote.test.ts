import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BrowserFetch, consentForm } from '../support/browser-fetch.js';
import { signInThroughLoginPage } from '../support/cognito-login.js';
import { MCP_REMOTE as PROXY } from '../support/node22-tools.js';

/**
 * mcp-remote (0.15.1, in tools/node22), the stdio bridge for clients
 * that cannot speak HTTP: an SDK client talks to it over stdio, it registers with our DCR endpoint
 * (a localhost redirect URI on the port given), signs in through the facade and forwards tools/list.
 * Its "browser" is this test: an xdg-open stand-in on PATH only records the URL, which mcp-remote
 * also prints; the test then plays the browser (consent, sign-in, callback to mcp-remote's port).
 */

describe('mcp-remote through the facade', () => {
  const stack = inject('stack');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-remote-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers, signs in through the facade and lists the tools over stdio', async () => {
    expect(existsSync(PROXY), 'mcp-remote is not installed: run npm ci (its postinstall fills tools/node22)').toBe(true);
    const shims = join(dir, 'bin');
    mkdirSync(shims, { recursive: true });
    for (const name of ['xdg-open', 'open', 'sensible-browser', 'x-www-browser', 'gio', 'wslview']) {
      writeFileSync(join(shims, name), `#!/bin/sh\necho "$@" >> "${join(dir, 'opened.txt')}"\nexit 0\n`);
      chmodSync(join(shims, name), 0o755);
    }
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [PROXY, stack.mcpUrl, String(port)],
      env: { PATH: `${shims}:${process.env.PATH}`, HOME: dir, MCP_REMOTE_CONFIG_DIR: join(dir, 'config') },
      stderr: 'pipe',
    });
    let stderr = '';
    const authorizationUrl = new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no authorization URL from mcp-remote:\n${stderr}`)), 20_000);
      transport.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /(http:\/\/localhost:\d+\/authorize\?\S+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[1]!));
        }
      });
    });
    const client = new Client({ name: 'mcp-remote-e2e', version: '1.0.0' });
    const connected = client.connect(transport);
    try {
      const url = await authorizationUrl;
      expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/oauth/callback`);
      const browser = new BrowserFetch(new URL(stack.baseUrl).origin);
      const consent = await browser.fetch(url);
      expect(consent.status).toBe(200);
      const form = consentForm(await consent.text());
      const toCognito = await browser.fetch(form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: browser.origin },
        body: new URLSearchParams({ request: form.request, decision: 'allow' }).toString(),
      });
      const back = await browser.fetch(await signInThroughLoginPage(new URL(toCognito.headers.get('location')!), stack.demoUser));
      const redirect = new URL(back.headers.get('location')!);
      expect(redirect.searchParams.get('iss')).toBe(stack.baseUrl);
      // The browser lands on mcp-remote's own callback server.
      expect((await fetch(redirect)).status).toBe(200);
      await connected;
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('whoami');
    } finally {
      await client.close().catch(() => undefined);
    }
  }, 60_000);
});
