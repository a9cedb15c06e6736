import type { TokenContext } from './context.js';

/** What the handler answers (200, no-store) and logs once every step has passed. */
export interface TokenOutcome {
  grantType: string;
  clientId: string;
  body: Record<string, unknown>;
}

/** The RFC 6749 §5.1 body: Cognito's tokens as they came, and the scope granted when the facade knows it. */
export function tokenOutcome(ctx: TokenContext): TokenOutcome {
  const { tokens, scope } = ctx.response!;
  return {
    grantType: ctx.grantType!,
    clientId: ctx.presented!.clientId,
    body: {
      access_token: tokens.access_token,
      token_type: tokens.token_type ?? 'Bearer',
      ...(tokens.expires_in !== undefined && { expires_in: tokens.expires_in }),
      ...(tokens.refresh_token !== undefined && { refresh_token: tokens.refresh_token }),
      ...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
      ...(scope && { scope }),
    },
  };
}
