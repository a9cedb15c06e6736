import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM_PATH, signInWithBrowser } from '../../verify/browser-sign-in.js';
import { listenForCallback } from '../../verify/loopback-callback.js';
import { type ClassicHostedUi, startClassicHostedUi } from '../support/classic-hosted-ui.js';

/**
 * The browser half of `npm run verify` on the shape of Cognito's classic hosted login page (a
 * stand-in: the real page needs AWS), in Debian's Chromium: the duplicated form, of which only the
 * visible one can be filled, its `type="Submit"` button, its error message, and the form a user with
 * a temporary password meets instead of a redirect.
 */
describe('verify signs in on a page shaped like Cognito\'s classic hosted UI', () => {
  let hostedUi: ClassicHostedUi;
  const chromiumPath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  beforeAll(async () => {
    hostedUi = await startClassicHostedUi([
      { username: 'alice@example.com', password: 'Correct-horse-1' },
      { username: 'new@example.com', password: 'Temporary-1', temporary: true },
    ]);
  });
  afterAll(() => hostedUi?.close());

  const signIn = async (username: string, password: string) => {
    const listener = await listenForCallback('http://127.0.0.1/callback');
    try {
      return await signInWithBrowser({ authorizeUrl: hostedUi.loginUrl(listener.redirectUri, 's1'), callback: listener.received, credentials: { username, password }, chromiumPath });
    } finally {
      await listener.close();
    }
  };

  it('fills the visible form of the two and reaches the callback', async () => {
    const { response, steps } = await signIn('alice@example.com', 'Correct-horse-1');
    expect(steps).toEqual(['login']);
    expect(response.searchParams.get('code')).toBe('classic-code');
    expect(response.searchParams.get('state')).toBe('s1');
  });

  it("fails with the page's own message for a wrong password", async () => {
    await expect(signIn('alice@example.com', 'wrong')).rejects.toThrow('the login page refused the sign-in: Incorrect username or password.');
  });

  it('names the page a temporary password leads to', async () => {
    await expect(signIn('new@example.com', 'Temporary-1')).rejects.toThrow(/the sign-in did not complete: the browser is at http:\/\/127\.0\.0\.1:\d+\/login \("Change Password: Please enter a new password\."\) \(a new password or MFA to set up\?/);
  });
});
