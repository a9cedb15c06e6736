/**
 * A browser stand-in for one origin (the API): fetch with manual redirects and a cookie jar that
 * keeps what the API sets (Max-Age=0 deletes) and sends it back to that origin only. Enough to
 * drive /authorize, the consent form and the callback as a browser would.
 */
export class BrowserFetch {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async fetch(url: string | URL, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    if (target.origin === this.origin && this.cookies.size > 0 && !('Cookie' in headers)) {
      headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    if (target.origin === this.origin) this.store(response);
    return response;
  }

  private store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** The consent form's action and fields, read from the page's HTML. */
export function consentForm(html: string): { action: string; request: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /<input type="hidden" name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error(`No consent form in: ${html.slice(0, 300)}`);
  return { action: action.replaceAll('&amp;', '&'), request };
}
