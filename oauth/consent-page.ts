import type { AuthorizeClient } from './authorize/context.js';
import { isLoopbackHost } from '../lib/http/loopback.js';
import { escapeHtml, page } from './html.js';

/**
 * The consent page (pure: data in, HTML out). It says who is asking (the name the application
 * chose, marked as not verified; for CIMD the host that publishes the document), where the browser
 * goes afterwards, which server this is and what the scopes allow, in words. No logo (a
 * self-declared logo helps phishing), no script, labelled buttons in a plain form.
 */
export interface ConsentView {
  client: AuthorizeClient;
  redirectUri: string;
  scopes: readonly string[];
  /**
   * How long the application stays connected: the refresh token lifetime of dynamic and CIMD app
   * clients (dcrRefreshTokenDays; Cognito counts it from the sign-in, rotation does not extend it).
   * Undefined for an operator's client, whose app client has settings of its own.
   */
  sessionDays?: number | undefined;
  issuer: string;
  resourceName: string;
  /** The sealed consent request (hidden field). */
  sealedRequest: string;
  /** Where the form posts: {issuer}/consent. */
  action: string;
}

const SCOPE_WORDS: Record<string, string> = {
  read: 'Read your notes and see your account details',
  write: 'Create, change and delete your notes',
  admin: 'Use the administrative tools (revoke other users\' tokens)',
};


function destination(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    return `an application on this computer (<code>${escapeHtml(url.origin)}</code>)</p>
<p class="warning">Only continue if you started this sign-in yourself, on this computer.`;
  }
  if (url.protocol === 'https:') return `<strong>${escapeHtml(url.host)}</strong>`;
  return `the app that opens <code>${escapeHtml(url.protocol)}//</code> links`;
}

function publisher(client: AuthorizeClient): string {
  if (client.source === 'manual') return '<p class="muted">Registered by the operator of this server.</p>';
  if (client.source === 'cimd') {
    return `<p>Published by <strong>${escapeHtml(new URL(client.clientId).host)}</strong><br><small><code>${escapeHtml(client.clientId)}</code></small></p>`;
  }
  const date = new Date(client.createdAt * 1000).toISOString().slice(0, 10);
  return `<p class="muted">Registered with this server on ${date}.</p>`;
}

/** What each scope allows, in words (a scope this server does not know is shown as it is). */
export const scopeDescriptions = (scopes: readonly string[]): string[] =>
  scopes.map((scope) => SCOPE_WORDS[scope.slice(scope.lastIndexOf('/') + 1)] ?? scope);

/**
 * Every client that signs in gets a refresh token (Cognito issues one with every code, whether or not
 * offline_access was asked for, and clients that registered the refresh grant rely on it), so the
 * page always says the application stays connected, and for how long.
 */
export function scopeWords(scopes: readonly string[], sessionDays: number | undefined): string[] {
  const words = scopeDescriptions(scopes);
  words.push(
    sessionDays === undefined
      ? 'Stay connected without asking again, for as long as this server\'s operator allows'
      : `Stay connected without asking again, for up to ${sessionDays === 1 ? '1 day' : `${sessionDays} days`} after you sign in`,
  );
  return words;
}

/**
 * The application's name, isolated: <bdi> keeps its direction from leaking into the text around
 * it, so a name written right to left (or one stored before names with formatting characters were
 * refused) cannot reverse "not verified" or the server's name. Formatting characters are dropped
 * from the page title, which cannot hold markup.
 */
export const isolatedName = (name: string) => `<bdi>${escapeHtml(name)}</bdi>`;
const FORMAT_CHARACTERS = /[\p{Cf}\u2028\u2029]/gu;

export function consentPage(view: ConsentView): string {
  const name = isolatedName(view.client.clientName);
  const items = scopeWords(view.scopes, view.client.source === 'manual' ? undefined : view.sessionDays)
    .map((words) => `<li>${escapeHtml(words)}</li>`)
    .join('');
  return page(
    `Allow ${view.client.clientName.replace(FORMAT_CHARACTERS, '')}?`,
    `<main>
<h1>Allow ${name} to use ${escapeHtml(view.resourceName)}?</h1>
<p><strong>${name}</strong> <small>(name chosen by the application; not verified)</small></p>
${publisher(view.client)}
<p>It will be able to:</p>
<ul>${items}</ul>
<p>After you sign in you will be sent to ${destination(view.redirectUri)}</p>
<p class="muted">This server: <code>${escapeHtml(view.issuer)}</code></p>
<p class="muted">You can see and end this access at any time at <a href="${escapeHtml(`${view.issuer}/apps`)}">${escapeHtml(`${view.issuer}/apps`)}</a>.</p>
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="request" value="${escapeHtml(view.sealedRequest)}">
<div class="actions">
<button type="submit" class="allow" name="decision" value="allow">Allow</button>
<button type="submit" class="deny" name="decision" value="deny">Deny</button>
</div>
</form>
</main>`,
  );
}

/** form-action sources the consent form's redirects need (CSP applies it to the redirect after the POST). */
export function consentFormTargets(cognitoOrigin: string, redirectUri: string): string[] {
  const url = new URL(redirectUri);
  const target = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  return [cognitoOrigin, target];
}
