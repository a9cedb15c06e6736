/**
 * Plays the browser on cognito-local's login page: loads the authorization URL, submits the
 * form it renders with a username and password, and returns the redirect Cognito answers with.
 */
export async function signInThroughLoginPage(
  authorizationUrl: URL,
  credentials: { username: string; password: string },
): Promise<URL> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`Login page answered ${page.status}: ${html}`);
  const form = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!form?.[1]) throw new Error(`No login form in: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(match[1]!, decodeHtml(match[2]!));
  }
  fields.set('username', credentials.username);
  fields.set('password', credentials.password);
  const submitted = await fetch(new URL(form[1], authorizationUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields,
    redirect: 'manual',
  });
  const location = submitted.headers.get('location');
  if (submitted.status !== 302 || !location) {
    throw new Error(`Sign-in did not redirect (HTTP ${submitted.status}): ${(await submitted.text()).slice(0, 300)}`);
  }
  return new URL(location);
}

function decodeHtml(value: string): string {
  return value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}
