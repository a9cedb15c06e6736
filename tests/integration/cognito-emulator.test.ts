import { describe, expect, inject, it } from 'vitest';
import { signInDemoUser } from '../support/demo-login.js';

/**
 * The product relies on Cognito putting the granted scopes in access tokens. cognito-local does
 * not; patches/cognito-local+5.3.0.patch makes it (applied by `npm ci`). These tests guard that.
 */
describe('cognito-local behaves like Cognito for scopes', () => {
  const stack = inject('stack');
  const scopeOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).scope as string;

  it('grants exactly the requested scopes', async () => {
    const session = await signInDemoUser(stack, { scope: `${stack.mcpUrl}/read` });
    expect(scopeOf(session.accessToken)).toBe(`${stack.mcpUrl}/read`);
  });

  it('grants every scope of the app client when none is requested', async () => {
    const session = await signInDemoUser(stack, { scope: '' });
    expect(scopeOf(session.accessToken)).toBe(`${stack.mcpUrl}/read ${stack.mcpUrl}/write`);
  });

  it('refuses a scope the app client was not given, with invalid_scope', async () => {
    await expect(signInDemoUser(stack, { scope: `${stack.mcpUrl}/admin` })).rejects.toThrow('invalid_scope');
  });
});
