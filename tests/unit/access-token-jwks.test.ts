import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../authorizer/access-token.js';
import { authorize } from '../../authorizer/authorize.js';
import { mintToken } from '../support/tokens.js';

/**
 * The real aws-jwt-verify verifier, fed a JWKS over HTTP by a tiny server standing in for
 * cognito-local (so the local mapping is exercised), and the ways it must fail closed.
 */
const POOL = 'us-east-1_UnitPool';
const require = createRequire(import.meta.url);
const publicJwk = (require('cognito-local/lib/keys/cognitoLocal.public.json') as { jwk: object }).jwk;

let jwksServer: Server;
let jwksOrigin: string;
let jwksRequests = 0;

beforeAll(async () => {
  jwksServer = createServer((request, response) => {
    jwksRequests++;
    if (request.url === `/${POOL}/.well-known/jwks.json`) {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, 'localhost', resolve));
  jwksOrigin = `http://localhost:${(jwksServer.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('access token verification with the real verifier', () => {
  it('accepts a valid access token and maps its claims, fetching the JWKS once', async () => {
    const verify = createAccessTokenVerifier({ userPoolId: POOL, localJwksOrigin: jwksOrigin });
    const before = jwksRequests;
    const token = await mintToken(POOL, { claims: { scope: 'a/read a/write', 'cognito:groups': ['ops'] } });
    const decision = await authorize(bearer(token), verify);
    expect(decision).toMatchObject({
      effect: 'allow',
      identity: { sub: '11111111-2222-3333-4444-555555555555', principal: '11111111-2222-3333-4444-555555555555', authMethod: 'jwt', clientId: 'minted-client', scopes: ['a/read', 'a/write'], groups: ['ops'] },
    });
    await authorize(bearer(await mintToken(POOL)), verify);
    expect(jwksRequests - before).toBe(1);
  });

  it.each([
    ['expired', { expiresIn: -5 }],
    ['an ID token', { claims: { token_use: 'id' } }],
    ['another pool', { claims: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' } }],
    ['an unknown key id', { header: { kid: 'someone-else' } }],
    ['signed by a stranger', { signWith: 'stranger' as const }],
    ['without jti', { claims: { jti: undefined } }],
    ['with a group containing a space', { claims: { 'cognito:groups': ['two words'] } }],
  ])('denies a token that is %s', async (_name, options) => {
    const verify = createAccessTokenVerifier({ userPoolId: POOL, localJwksOrigin: jwksOrigin });
    const decision = await authorize(bearer(await mintToken(POOL, options)), verify);
    expect(decision).toMatchObject({ effect: 'deny', reason: 'invalid_token' });
  });

  it('denies (fails closed) when the JWKS cannot be fetched', async () => {
    const verify = createAccessTokenVerifier({ userPoolId: POOL, localJwksOrigin: 'http://localhost:1' });
    const decision = await authorize(bearer(await mintToken(POOL)), verify);
    expect(decision).toMatchObject({ effect: 'deny', reason: 'invalid_token' });
  });

  it('never trusts the emulator key without the local mapping (the production configuration)', async () => {
    // Without the mapping the verifier asks AWS for the pool's JWKS: unreachable here, and even
    // where reachable it could not contain cognito-local's key. Either way: deny.
    const verify = createAccessTokenVerifier({ userPoolId: POOL, localJwksOrigin: undefined });
    const before = jwksRequests;
    const decision = await authorize(bearer(await mintToken(POOL)), verify);
    expect(decision).toMatchObject({ effect: 'deny', reason: 'invalid_token' });
    expect(jwksRequests).toBe(before);
  }, 30_000);
});
