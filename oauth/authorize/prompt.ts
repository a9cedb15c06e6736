import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';
import { needsConsent } from './consent-needed.js';

/**
 * prompt=none cannot be honoured for a request that needs consent (the consent page is an
 * interaction); for operator clients that skip it, it is forwarded to Cognito, as is prompt=login.
 */
export function checkPrompt(ctx: AuthorizeContext): void {
  const prompts = (ctx.params.prompt ?? '').split(' ').filter(Boolean);
  if (prompts.includes('none')) {
    if (prompts.length > 1) throw oauthError('invalid_request', 'prompt=none cannot be combined with other values');
    if (needsConsent(ctx.client!, ctx.redirectUri!)) throw oauthError('consent_required', 'This client needs the user\'s consent on every authorization');
    ctx.prompt = 'none';
    return;
  }
  if (prompts.includes('login')) ctx.prompt = 'login';
}
