import { oauthError } from '../errors.js';
import type { AuthorizeContext } from './context.js';

export const MAX_STATE_LENGTH = 512;

export const isValidState = (state: string | undefined): state is string =>
  state !== undefined && state.length <= MAX_STATE_LENGTH && /^[\x20-\x7e]+$/.test(state);

/** The client's state comes back byte for byte; printable ASCII and bounded, so it fits the sealed state. */
export function checkState(ctx: AuthorizeContext): void {
  const state = ctx.params.state;
  if (state === undefined) return;
  if (!isValidState(state)) {
    throw oauthError('invalid_request', `state must be 1 to ${MAX_STATE_LENGTH} printable ASCII characters`);
  }
  ctx.state = state;
}
