import type { AuthorizeClient } from './authorize/context.js';
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
  offlineAccess: boolean;
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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function destination(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) {
    return `an application on this computer (<code>${escapeHtml(url.origin)}</code>)</p>
<p class="warning">Only continue if you started this sign-in yourself, on this computer.`;
  }
  if (url.protocol === 'https:') return `<strong>${escapeHtml(url.host)}</strong>`;
  return `the app that opens <code>${escapeHtml(url.protocol)}//</code> links`;
}

function publisher(client: AuthorizeClient): string {
  if (client.source === 'cimd') {
    return `<p>Published by <strong>${escapeHtml(new URL(client.clientId).host)}</strong><br><small><code>${escapeHtml(client.clientId)}</code></small></p>`;
  }
  const date = new Date(client.createdAt * 1000).toISOString().slice(0, 10);
  return `<p class="muted">Registered with this server on ${date}.</p>`;
}

export function scopeWords(scopes: readonly string[], offlineAccess: boolean): string[] {
  const words = scopes.map((scope) => SCOPE_WORDS[scope.slice(scope.lastIndexOf('/') + 1)] ?? scope);
  if (offlineAccess) words.push('Stay connected without asking again');
  return words;
}

/**
 * The application's name, isolated: <bdi> keeps its direction from leaking into the text around
 * it, so a name written right to left (or one stored before names with formatting characters were
 * refused) cannot reverse "not verified" or the server's name. Formatting characters are dropped
 * from the page title, which cannot hold markup.
 */
const isolatedName = (name: string) => `<bdi>${escapeHtml(name)}</bdi>`;
const FORMAT_CHARACTERS = /[\p{Cf}\u2028\u2029]/gu;

export function consentPage(view: ConsentView): string {
  const name = isolatedName(view.client.clientName);
  const items = scopeWords(view.scopes, view.offlineAccess)
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
