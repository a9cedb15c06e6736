import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Cognito's classic hosted login page (`ManagedLoginVersion: 1`), which cannot run
 * here. It has the shape that page is published with by projects that automate it: the sign-in form
 * twice, one for small screens and one for large (Bootstrap's `visible-xs` / `visible-lg`, only one
 * displayed), duplicated ids `signInFormUsername` / `signInFormPassword`, a submit
 * `<input name="signInSubmitButton" type="Submit">` (capital S), and `#loginErrorMessage` after a
 * refusal. A user whose password is temporary gets the "Change Password" form instead of a redirect.
 */
export interface ClassicHostedUi {
  /** The authorization URL: the login page, sending the browser to redirectUri afterwards. */
  loginUrl(redirectUri: string, state: string): string;
  close(): Promise<void>;
}

const PAGE_STYLE = '.visible-xs{display:none}@media (max-width:767px){.visible-xs{display:block}.visible-lg{display:none}}';

function signInForm(variant: 'visible-xs' | 'visible-lg', query: string, error?: string) {
  return `<div class="${variant}"><form method="post" action="/login?${query}" class="cognito-asf">
<input type="hidden" name="_csrf" value="token">
${error ? `<p id="loginErrorMessage" class="errorMessage-customizable">${error}</p>` : ''}
<label for="signInFormUsername" class="label-customizable">Username</label>
<input id="signInFormUsername" name="username" type="text" class="form-control inputField-customizable" autocapitalize="none" required>
<label for="signInFormPassword" class="label-customizable">Password</label>
<input id="signInFormPassword" name="password" type="password" class="form-control inputField-customizable" required>
<input name="signInSubmitButton" type="Submit" value="Sign in" class="btn btn-primary submitButton-customizable">
</form></div>`;
}

const html = (title: string, body: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title><style>${PAGE_STYLE}</style></head><body>${body}</body></html>`;

export async function startClassicHostedUi(users: { username: string; password: string; temporary?: boolean }[]): Promise<ClassicHostedUi> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const query = url.searchParams.toString().replaceAll('&', '&amp;');
      if (url.pathname !== '/login') {
        response.writeHead(404).end();
        return;
      }
      if (request.method === 'GET') {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end(html('Signin', signInForm('visible-xs', query) + signInForm('visible-lg', query)));
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const user = users.find((candidate) => candidate.username === form.get('username') && candidate.password === form.get('password'));
      if (!user) {
        const error = 'Incorrect username or password.';
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end(html('Signin', signInForm('visible-xs', query, error) + signInForm('visible-lg', query, error)));
      } else if (user.temporary) {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end(html('Change Password', `<h1>Change Password</h1><p>Please enter a new password.</p>
<form method="post" action="/changePassword"><input name="password" type="password"><input name="confirmPassword" type="password">
<button type="submit">Send</button></form>`));
      } else {
        const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
        redirect.search = new URLSearchParams({ code: 'classic-code', state: url.searchParams.get('state') ?? '' }).toString();
        response.writeHead(302, { Location: redirect.href }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    loginUrl: (redirectUri, state) => `${origin}/login?${new URLSearchParams({ client_id: 'classic', redirect_uri: redirectUri, state, response_type: 'code' })}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
