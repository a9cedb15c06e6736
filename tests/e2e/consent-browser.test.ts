import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pkcePair } from '../support/authorization-code.js';

/**
 * The consent page and the sign-in in a real browser: Debian's Chromium, headless, driven by
 * playwright-core (CHROMIUM_PATH overrides /usr/bin/chromium). The flags keep Chromium off the
 * network (this machine's network is closed; without them it retries Google's hosts). The
 * screenshot of the consent page is kept in test-artifacts/ (gitignored; .ci/run prints the path).
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

describe('consent and sign-in in headless Chromium', () => {
  const stack = inject('stack');
  let browser: Browser;
  let listener: Server;
  let callbackPort: number;
  const received: URL[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // (playwright-core gives the browser a new empty profile of its own.)
    // The client's loopback redirect URI: it receives the authorization response.
    listener = createServer((request, response) => {
      received.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!DOCTYPE html><title>Done</title><p>Signed in; you can close this window.</p>');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    callbackPort = (listener.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => listener?.close(() => resolve()));
  });

  async function registerClient() {
    const response = await fetch(`${stack.baseUrl}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'Browser test app', redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native' }),
    });
    return ((await response.json()) as { client_id: string }).client_id;
  }

  it('shows the consent page, allows with the keyboard, signs in, and the client gets code, state and iss', async () => {
    const clientId = await registerClient();
    const url = new URL(`${stack.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: `http://127.0.0.1:${callbackPort}/callback`,
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', state: 'browser-state', scope: 'read write offline_access',
    }).toString();
    const page = await browser.newPage();
    await page.goto(url.href);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Allow Browser test app to use this MCP server?');
    await expect(page.getByText('an application on this computer').isVisible()).resolves.toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'consent-page.png'), fullPage: true });
    // Keyboard only: the Allow button takes the focus and is pressed with Enter.
    const allow = page.getByRole('button', { name: 'Allow' });
    await expect(allow.isVisible()).resolves.toBe(true);
    await allow.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((next) => next.origin === stack.cognitoEndpoint);
    await page.fill('input[name="username"]', stack.demoUser.username);
    await page.fill('input[name="password"]', stack.demoUser.password);
    await page.click('button[type="submit"]');
    await page.waitForURL((next) => next.port === String(callbackPort));
    // Chromium may also ask the listener for /favicon.ico once the page has loaded: only the
    // authorization response counts, and there is exactly one.
    const responses = received.filter((request) => request.pathname === '/callback');
    expect(responses).toHaveLength(1);
    const response = responses[0]!;
    expect(response.searchParams.get('code')).toMatch(/\S/);
    expect(response.searchParams.get('state')).toBe('browser-state');
    expect(response.searchParams.get('iss')).toBe(stack.baseUrl);
    await page.close();
  });

  it('refuses to be framed by another origin', async () => {
    const clientId = await registerClient();
    const authorize = new URL(`${stack.baseUrl}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: `http://127.0.0.1:${callbackPort}/callback`,
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', state: 'framed',
    }).toString();
    const framer = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<!DOCTYPE html><iframe id="f" src="${authorize.href.replaceAll('&', '&amp;')}"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      const blocked = new Promise<boolean>((resolve) => {
        page.on('console', (message) => {
          if (/frame-ancestors|X-Frame-Options|Refused to display/i.test(message.text())) resolve(true);
        });
        setTimeout(() => resolve(false), 5000);
      });
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      expect(await blocked).toBe(true);
      // Nothing of the consent page rendered inside the frame (Chromium shows its own error page).
      const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
      expect(await frame?.content().catch(() => '')).not.toContain('name chosen by the application');
      await page.close();
    } finally {
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });
});
