import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, refreshAtFacade, signInDemoUser } from '../support/demo-login.js';
import { type TestUser, createTestUser } from '../support/test-users.js';

/**
 * The connected-apps page in a real browser (Debian's Chromium, headless, playwright-core): one
 * user signs two applications in (through the facade, as clients do), opens /apps (Cognito's
 * login as the facade's own app client), sees both, revokes one; that application's access token
 * is refused at /mcp and its refresh token at /token while the other keeps working. A cross-site
 * form, a forged token, a token of another application and a replayed form revoke nothing. The
 * page's screenshot is kept in test-artifacts/ (gitignored).
 */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

describe('connected apps page in headless Chromium', () => {
  const stack = inject('stack');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let attacker: Server;
  let attackerOrigin: string;
  let user: TestUser;
  let first: DemoSession;
  let second: DemoSession;
  let attackForm = '';

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext();
    page = await context.newPage();
    // Another site (127.0.0.1 is not the stack's localhost): a page that posts a Revoke form to /apps.
    attacker = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<!DOCTYPE html><title>Win a prize</title><form id="f" method="post" action="${stack.baseUrl}/apps/revoke">${attackForm}</form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    user = await createTestUser(stack);
    first = await signInDemoUser(stack, { user, registration: { client_name: 'Alpha notes app' } });
    second = await signInDemoUser(stack, { user, registration: { client_name: 'Beta research agent' } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  const mcpStatus = async (token: string) => (await mcpPost(stack, initializeRequest, { token })).status;
  const refresh = (session: DemoSession) => refreshAtFacade(stack, session);
  const formOf = async (clientId: string) => ({
    client_id: clientId,
    token: (await page.locator(`form:has(input[name="client_id"][value="${clientId}"]) input[name="token"]`).getAttribute('value')) ?? '',
  });
  /** A POST with the browser's own cookies (the session), as the page's form would send it. */
  const postWithSession = (form: Record<string, string>, origin = new URL(stack.baseUrl).origin) =>
    context.request.post(`${stack.baseUrl}/apps/revoke`, { form, headers: { Origin: origin }, maxRedirects: 0 });
  const listedNames = async () => page.locator('li.app h2 bdi').allTextContents();
  let alphaForm: { client_id: string; token: string };

  it('signs in through Cognito as the facade’s own client (no consent page) and lists both applications', async () => {
    await page.goto(`${stack.baseUrl}/apps`);
    await page.waitForURL((next) => next.origin === stack.cognitoEndpoint);
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${stack.baseUrl}/apps`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Applications with access to your MCP server account');
    await expect(page.getByText(`Signed in as ${user.username}`).isVisible()).resolves.toBe(true);
    expect((await listedNames()).sort()).toEqual(['Alpha notes app', 'Beta research agent']);
    await expect(page.getByText('name chosen by the application; not verified').first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('Registered itself with this server on').first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('Read your notes and see your account details').first().isVisible()).resolves.toBe(true);
    // The session cookie: __Host-, HttpOnly, SameSite=Strict, Secure.
    const cookie = (await context.cookies(stack.baseUrl)).find((candidate) => candidate.name === '__Host-mcp-apps');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'connected-apps-page.png'), fullPage: true });
    alphaForm = await formOf(first.clientId);
    expect(alphaForm.token).toMatch(/^v1\./);
  });

  it('revokes nothing for a cross-site form, a request without the page’s Origin, a forged token or another application’s token', async () => {
    // A cross-site form carrying a real token: Chromium sends no SameSite=Strict cookie, and the Origin is another site.
    attackForm = `<input name="client_id" value="${alphaForm.client_id}"><input name="token" value="${alphaForm.token}">`;
    const attackPage = await context.newPage();
    const attacked = attackPage.waitForResponse(`${stack.baseUrl}/apps/revoke`);
    await attackPage.goto(attackerOrigin);
    expect((await attacked).status()).toBe(403);
    await attackPage.close();
    // With the session cookie but another Origin, or none.
    expect((await postWithSession(alphaForm, attackerOrigin)).status()).toBe(403);
    expect((await context.request.post(`${stack.baseUrl}/apps/revoke`, { form: alphaForm, maxRedirects: 0 })).status()).toBe(403);
    // A forged token, and the first application's token on the second's button.
    expect((await postWithSession({ ...alphaForm, token: `${alphaForm.token.slice(0, -4)}AAAA` })).status()).toBe(403);
    expect((await postWithSession({ ...alphaForm, client_id: second.clientId })).status()).toBe(403);
    expect(await mcpStatus(first.accessToken)).toBe(200);
    await page.reload();
    expect((await listedNames()).sort()).toEqual(['Alpha notes app', 'Beta research agent']);
  });

  it('Revoke ends that application’s access (access and refresh tokens refused) and leaves the other working', async () => {
    await page
      .locator('li.app', { has: page.getByText('Alpha notes app') })
      .getByRole('button', { name: 'Revoke access' })
      .click();
    await page.waitForURL(`${stack.baseUrl}/apps?revoked=1`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('The application no longer has access to your account.');
    expect(await listedNames()).toEqual(['Beta research agent']);

    expect(await mcpStatus(first.accessToken)).toBe(401);
    const refused = await refresh(first);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');

    expect(await mcpStatus(second.accessToken)).toBe(200);
    const renewed = await refresh(second);
    expect(renewed.status).toBe(200);
    expect(await mcpStatus(((await renewed.json()) as { access_token: string }).access_token)).toBe(200);
  });

  it('a replayed form revokes nothing, not even after the application signed in again', async () => {
    expect((await postWithSession(alphaForm)).status()).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a sign-in in a later second than the revocation
    const again = await signInDemoUser(stack, { user, clientId: first.clientId });
    expect((await postWithSession(alphaForm)).status()).toBe(409);
    expect(await mcpStatus(again.accessToken)).toBe(200);
    await page.goto(`${stack.baseUrl}/apps`);
    expect((await listedNames()).sort()).toEqual(['Alpha notes app', 'Beta research agent']);
  });

  it('signs out: the session cookie is cleared and the page asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Signed out');
    expect((await context.cookies(stack.baseUrl)).some((cookie) => cookie.name === '__Host-mcp-apps')).toBe(false);
    const response = await context.request.get(`${stack.baseUrl}/apps`, { maxRedirects: 0 });
    expect(response.status()).toBe(302);
    expect(response.headers().location).toContain('/oauth2/authorize');
  });
});
