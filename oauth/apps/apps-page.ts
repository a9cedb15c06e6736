import type { ConnectedApp } from '../../lib/connected-apps.js';
import { isolatedName, scopeDescriptions } from '../consent-page.js';
import { escapeHtml, page } from '../html.js';

/**
 * The connected-apps page (pure: data in, HTML out), in the consent page's style: no script, no
 * logo, plain forms. Every Revoke button is a form of its own carrying the application's client id
 * and a sealed form token bound to this session and to the grant shown (oauth/apps/session.ts).
 */
export interface AppsView {
  email: string | undefined;
  apps: ReadonlyArray<ConnectedApp & { formToken: string }>;
  signOutToken: string;
  issuer: string;
  resourceName: string;
  /** A line above the list after an action ("… no longer has access"). */
  notice?: string | undefined;
}

const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const when = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function registration(app: ConnectedApp): string {
  switch (app.registration.kind) {
    case 'cimd':
      return `Published by <strong>${escapeHtml(app.registration.host)}</strong> <small>(client metadata document <code>${escapeHtml(app.registration.documentUrl)}</code>)</small>`;
    case 'operator':
      return 'Registered by the operator of this server';
    default:
      return `Registered itself with this server on ${day(app.registration.on)}`;
  }
}

function appItem(app: AppsView['apps'][number], issuer: string): string {
  const scopes = scopeDescriptions(app.scopes).map((words) => `<li>${escapeHtml(words)}</li>`).join('');
  const id = `app-${escapeHtml(app.clientId)}`;
  return `<li class="app">
<h2 id="${id}">${isolatedName(app.name)} <small>(name chosen by the application; not verified)</small></h2>
<p>${registration(app)}</p>
<p>It can:</p>
<ul>${scopes || '<li>Sign in as you (no other permission)</li>'}</ul>
<p class="muted">First signed in ${when(app.firstSignedInAt)}; last signed in or refreshed ${when(app.lastUsedAt)}.</p>
<form method="post" action="${escapeHtml(`${issuer}/apps/revoke`)}" aria-labelledby="${id}">
<input type="hidden" name="client_id" value="${escapeHtml(app.clientId)}">
<input type="hidden" name="token" value="${escapeHtml(app.formToken)}">
<button type="submit" class="deny">Revoke access</button>
</form>
</li>`;
}

export function appsPage(view: AppsView): string {
  const list =
    view.apps.length === 0
      ? '<p>No application holds access to your account. Applications appear here once you sign in to them.</p>'
      : `<ul class="apps">${view.apps.map((app) => appItem(app, view.issuer)).join('\n')}</ul>`;
  return page(
    'Connected apps',
    `<main>
<h1>Applications with access to your ${escapeHtml(view.resourceName)} account</h1>
${view.email ? `<p class="muted">Signed in as <strong>${escapeHtml(view.email)}</strong></p>` : ''}
${view.notice ? `<p role="status">${escapeHtml(view.notice)}</p>` : ''}
${list}
<p class="muted">Revoking ends that application's access at once (its tokens stop working within a minute); it can ask again only when you next sign in to it.</p>
<form method="post" action="${escapeHtml(`${view.issuer}/apps/sign-out`)}">
<input type="hidden" name="token" value="${escapeHtml(view.signOutToken)}">
<button type="submit" class="deny">Sign out</button>
</form>
</main>`,
  );
}

/** After the sign-in: a same-site navigation to /apps, so that the SameSite=Strict session cookie is sent. */
export function continuePage(issuer: string): string {
  const target = escapeHtml(`${issuer}/apps`);
  return page('Signed in', `<main><h1>Signed in</h1><p><a href="${target}">Continue to your connected apps</a></p></main>`).replace(
    '<title>',
    `<meta http-equiv="refresh" content="0;url=${target}"><title>`,
  );
}

export function signedOutPage(issuer: string): string {
  return page(
    'Signed out',
    `<main><h1>Signed out</h1><p>You are signed out of the connected-apps page.</p><p><a href="${escapeHtml(`${issuer}/apps`)}">Sign in again</a></p></main>`,
  );
}
