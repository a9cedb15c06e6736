import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { fail } from './checklist.js';

/**
 * Plays the person at the browser, in headless Chromium (Debian's, through playwright-core):
 * the facade's /authorize, its consent page (Allow) when it shows one, the identity provider's
 * login page (Cognito's hosted UI, or cognito-local's page), and on to the loopback callback.
 * The pages are found by what a person sees (an Allow button, a password field), not by the
 * facade's internals, so that the same steps work on AWS and locally.
 */

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep Chromium off the network beyond the pages it is sent to. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const STEP_TIMEOUT_MS = 20_000;

export interface BrowserSignIn {
  authorizeUrl: string;
  callback: Promise<URL>;
  credentials: { username: string; password: string };
  chromiumPath: string;
}

/** Resolves with the authorization response and the steps seen ("consent", "login"). */
export async function signInWithBrowser(options: BrowserSignIn): Promise<{ response: URL; steps: string[] }> {
  if (!existsSync(options.chromiumPath)) {
    fail(`no Chromium at ${options.chromiumPath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return fail('playwright-core is not installed (npm ci installs it with the devDependencies)');
  }
  // handleSIGINT off: on Ctrl-C the command deletes its registrations before it exits (verify/cli.ts),
  // and playwright's own handler would exit first.
  const browser = await chromium.launch({ executablePath: options.chromiumPath, args: CHROMIUM_ARGS, handleSIGINT: false }).catch((error: Error) =>
    fail(`Chromium at ${options.chromiumPath} did not start: ${error.message.split('\n')[0]}`),
  );
  try {
    const page = await browser.newPage();
    return await drive(page, options);
  } finally {
    await browser.close();
  }
}

async function drive(page: Page, options: BrowserSignIn): Promise<{ response: URL; steps: string[] }> {
  let response: URL | undefined;
  void options.callback.then((url) => (response = url));
  const steps: string[] = [];
  const arrived = options.callback.then(() => undefined);
  // Until the callback arrives, one of the waits ends, or the step's time is up (a timer that
  // does not keep the command alive once it is done).
  const settle = (...waits: Promise<unknown>[]) =>
    Promise.race([arrived, ...waits.map((wait) => wait.catch(() => undefined)), new Promise((resolve) => setTimeout(resolve, STEP_TIMEOUT_MS).unref())]);

  await settle(page.goto(options.authorizeUrl));
  let waited = false;
  for (let step = 0; step < 8 && !response; step++) {
    const controls = await visible(page);
    if (controls.allow) {
      steps.push('consent');
      waited = false;
      await settle(page.waitForEvent('load'), controls.allow.click());
    } else if (controls.password) {
      if (steps.includes('login')) {
        const refusal = await errorText(page);
        // No error shown: another form with a password field (a new password to choose, say).
        fail(refusal ? `the login page refused the sign-in: ${refusal}` : `the sign-in did not complete: the browser is at ${await describePage(page)} (a new password or MFA to set up? sign in once in a browser first)`);
      }
      steps.push('login');
      waited = false;
      if (controls.username) await controls.username.fill(options.credentials.username);
      await controls.password.fill(options.credentials.password);
      await settle(page.waitForEvent('load'), controls.submit ? controls.submit.click() : controls.password.press('Enter'));
    } else if (controls.username) {
      // A login page that asks for the username first, then the password.
      steps.push('username');
      waited = false;
      await controls.username.fill(options.credentials.username);
      await settle(page.waitForEvent('load'), page.locator('input[type="password"]').first().waitFor({ state: 'visible' }), controls.username.press('Enter'));
    } else if (!waited) {
      // Between pages (a redirect still loading): look once more when it has loaded.
      waited = true;
      await settle(page.waitForLoadState('load'));
    } else {
      break;
    }
  }
  if (!response) fail(`the browser stopped at ${await describePage(page)}${steps.length ? ` after ${steps.join(', ')}` : ''}`);
  return { response: response!, steps };
}

interface VisibleControls {
  allow?: Locator;
  username?: Locator;
  password?: Locator;
  submit?: Locator;
}

/** What a person would act on now. Cognito's classic page holds its form twice, one hidden: only visible ones count. */
async function visible(page: Page): Promise<VisibleControls> {
  const first = async (locator: Locator) => ((await locator.count().catch(() => 0)) > 0 ? locator.first() : undefined);
  return {
    allow: await first(page.getByRole('button', { name: 'Allow', exact: true }).locator('visible=true')),
    username: await first(page.locator('input[name="username"], input[type="email"]').locator('visible=true')),
    password: await first(page.locator('input[type="password"]').locator('visible=true')),
    submit: await first(page.locator('input[type="submit"], button[type="submit"]').locator('visible=true')),
  };
}

/** The message a login page shows when it refuses (Cognito's hosted UI, cognito-local). */
async function errorText(page: Page): Promise<string | undefined> {
  const message = page.locator('#loginErrorMessage, .errorMessage-customizable, [role="alert"], p[style*="color:red"]').locator('visible=true');
  if ((await message.count().catch(() => 0)) === 0) return undefined;
  return ((await message.first().textContent().catch(() => '')) ?? '').trim() || undefined;
}

/** Where the browser is, and what the page says first (an error page's heading and explanation). */
async function describePage(page: Page): Promise<string> {
  const url = new URL(page.url());
  const text = async (selector: string) => ((await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null)) ?? '').trim().slice(0, 160);
  const said = [await text('h1, h2, title'), await text('p')].filter(Boolean).join(': ');
  return `${url.origin}${url.pathname}${said ? ` ("${said}")` : ''}`;
}
