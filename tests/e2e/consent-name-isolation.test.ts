import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentPage } from '../../oauth/consent-page.js';

/**
 * A client name holding a right-to-left override, as Chromium lays the consent page out. Such names
 * are refused at registration now (dcr/client-metadata.ts), but rows written before keep theirs: the
 * page must not let a name reverse the text after it, the "not verified" warning included. The
 * page is the facade's own HTML (oauth/consent-page.ts), loaded with setContent (no stack needed).
 */
describe('the consent page isolates the application name (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('a right-to-left override in the name does not reverse "not verified" or the heading', async () => {
    const html = consentPage({
      client: { clientId: 'dcr1', appClientId: 'dcr1', source: 'dcr', clientName: 'Notes \u202Eppa', redirectUris: [], scopes: [], authMethod: 'none', createdAt: 1_700_000_000 },
      redirectUri: 'https://app.example.com/cb', scopes: [], sessionDays: 30, issuer: 'https://mcp.example.com', resourceName: 'this MCP server', sealedRequest: 'v1.x', action: '/consent',
    });
    const page = await browser.newPage();
    try {
      await page.setContent(html);
      // Where the first and the last letter of a phrase are drawn: left to right means first.x < last.x.
      const leftToRight = (selector: string, phrase: string) =>
        page.evaluate(([css, text]) => {
          const element = document.querySelector(css!)!;
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent!.indexOf(text!);
            if (at < 0) continue;
            const box = (offset: number) => {
              const range = document.createRange();
              range.setStart(node, offset);
              range.setEnd(node, offset + 1);
              return range.getBoundingClientRect().x;
            };
            return box(at) < box(at + text!.length - 1);
          }
          throw new Error(`${text} not found in ${css}`);
        }, [selector, phrase]);
      expect(await leftToRight('small', 'not verified')).toBe(true);
      expect(await leftToRight('h1', 'to use this MCP server')).toBe(true);
    } finally {
      await page.close();
    }
  });
});
