import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoSession, initializeRequest, mcpPost, signInDemoUser } from '../support/demo-login.js';
import { generateApiKey } from '../../lib/api-keys.js';
import { mintToken } from '../support/tokens.js';

const challenge = (baseUrl: string) =>
  `Bearer resource_metadata="${baseUrl}/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="A valid access token is required"`;

describe('authorizer in front of /mcp (serverless-offline + cognito-local)', () => {
  const stack = inject('stack');
  let session: DemoSession;

  beforeAll(async () => {
    session = await signInDemoUser(stack);
  });

  it('lets a valid Cognito access token through', async () => {
    const response = await mcpPost(stack, initializeRequest, { token: session.accessToken });
    expect(response.status).toBe(200);
    expect((await response.json()).result.serverInfo.name).toBe('secure-mcp');
  });

  it('accepts the scheme in any case', async () => {
    const response = await mcpPost(stack, initializeRequest, { headers: { Authorization: `bEaReR ${session.accessToken}` } });
    expect(response.status).toBe(200);
  });

  const refused: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['an ID token instead of an access token', async () => ({ Authorization: `Bearer ${session.idToken}` })],
    ['a refresh token', async () => ({ Authorization: `Bearer ${session.refreshToken}` })],
    ['an expired token', async () => ({ Authorization: `Bearer ${await mintToken(stack.userPoolId, { expiresIn: -60 })}` })],
    ['a token signed by an unknown key', async () => ({ Authorization: `Bearer ${await mintToken(stack.userPoolId, { signWith: 'stranger' })}` })],
    ['a token of another issuer', async () => ({ Authorization: `Bearer ${await mintToken('us-east-1_OtherPool', {})}` })],
    ['a token with token_use=id', async () => ({ Authorization: `Bearer ${await mintToken(stack.userPoolId, { claims: { token_use: 'id' } })}` })],
    // Refused by the claim checks, before the client registry would refuse the minted client.
    ['a token missing the jti claim', async () => ({ Authorization: `Bearer ${await mintToken(stack.userPoolId, { claims: { jti: undefined } })}` })],
    ['alg none', async () => ({ Authorization: `Bearer ${unsigned(session.accessToken)}` })],
    ['a tampered payload', async () => ({ Authorization: `Bearer ${tampered(session.accessToken)}` })],
    ['the Basic scheme', async () => ({ Authorization: `Basic ${Buffer.from('demo:pw').toString('base64')}` })],
    ['a token without scheme', async () => ({ Authorization: session.accessToken })],
    ['garbage', async () => ({ Authorization: 'Bearer not-a-jwt' })],
    ['a well-signed token of a client this deployment never registered', async () => ({ Authorization: `Bearer ${await mintToken(stack.userPoolId)}` })],
    ['an API key nobody created', async () => ({ Authorization: `Bearer ${generateApiKey()}` })],
  ];

  it.each(refused)('refuses %s with 401 and the challenge', async (_name, headers) => {
    const response = await mcpPost(stack, initializeRequest, { headers: await headers() });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challenge(stack.baseUrl));
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });
});

function unsigned(token: string): string {
  const [, payload] = token.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

function tampered(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  claims.sub = 'someone-else';
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
