import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Everything a page shows from outside (client names, hosts) goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `body{font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;max-width:36rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;line-height:1.3}small,.muted{color:#4a4a4a}code{word-break:break-all}
ul{padding-left:1.25rem}.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{font:inherit;padding:.6rem 1.4rem;border-radius:.4rem;border:2px solid #0b57d0;cursor:pointer}
button.allow{background:#0b57d0;color:#fff}button.deny{background:#fff;color:#0b57d0}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}.warning{border-left:4px solid #b3261e;padding-left:.75rem}`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** CSP of every page: nothing but our one inline style; forms may post only where listed. */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'none'",
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Headers of every page. Referrer-Policy is no-referrer, except on the consent page, which needs
 * `same-origin`: under no-referrer browsers send `Origin: null` with the consent form's POST, and
 * POST /consent refuses a null Origin (a sandboxed frame or a data: page sends that too). Found by
 * the Chromium test; same-origin still gives Cognito and the client no referrer.
 */
export function pageHeaders(formTargets: readonly string[] = [], referrerPolicy: 'no-referrer' | 'same-origin' = 'no-referrer'): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(formTargets),
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': referrerPolicy,
    'X-Content-Type-Options': 'nosniff',
  };
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body>
</html>`;
}

/**
 * An error found before the client's redirect URI is known to be its own: shown to the user,
 * never sent anywhere (RFC 6749 §4.1.2.1), so no Location header.
 */
export function errorPage(code: string, description: string, status = 400): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: pageHeaders(),
    body: page(
      'Sign-in cannot continue',
      `<h1>Sign-in cannot continue</h1>
<p>${escapeHtml(description)}</p>
<p class="muted">Error: <code>${escapeHtml(code)}</code>. Go back to your application and start again.</p>`,
    ),
  };
}
