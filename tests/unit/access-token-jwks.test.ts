import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../authorizer/access-token.js';
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

const RESOURCE = 'https://mcp.example.com/mcp';
const verifierFor = (localJwksOrigin: string | undefined) =>
  createAccessTokenVerifier({ userPoolId: POOL, resourceUrl: RESOURCE, clockSkewSeconds: 10, localJwksOrigin });

describe('access token verification with the real verifier', () => {
  it('accepts a valid access token and maps its claims, fetching the JWKS once', async () => {
    const verifier = verifierFor(jwksOrigin);
    const before = jwksRequests;
    const token = await mintToken(POOL, { claims: { scope: 'a/read a/write', 'cognito:groups': ['ops'] } });
    expect(await verifier.verify(token)).toMatchObject({
      identity: { sub: '11111111-2222-3333-4444-555555555555', principal: '11111111-2222-3333-4444-555555555555', authMethod: 'jwt', clientId: 'minted-client', scopes: ['a/read', 'a/write'], groups: ['ops'] },
    });
    await verifier.verify(await mintToken(POOL));
    expect(jwksRequests - before).toBe(1);
  });

  it.each([
    ['expired beyond the clock-skew allowance', { expiresIn: -60 }],
    ['an ID token', { claims: { token_use: 'id' } }],
    ['another pool', { claims: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' } }],
    ['an unknown key id', { header: { kid: 'someone-else' } }],
    ['signed by a stranger', { signWith: 'stranger' as const }],
    ['without jti', { claims: { jti: undefined } }],
    ['with a group containing a space', { claims: { 'cognito:groups': ['two words'] } }],
  ])('denies a token that is %s', async (_name, options) => {
    await expect(verifierFor(jwksOrigin).verify(await mintToken(POOL, options))).rejects.toThrow();
  });

  it('denies (fails closed) when the JWKS cannot be fetched', async () => {
    await expect(verifierFor('http://localhost:1').verify(await mintToken(POOL))).rejects.toThrow();
  });

  it('never trusts the emulator key without the local mapping (the production configuration)', async () => {
    // Without the mapping the verifier asks AWS for the pool's JWKS: unreachable here, and even
    // where reachable it could not contain cognito-local's key. Either way: deny.
    const before = jwksRequests;
    await expect(verifierFor(undefined).verify(await mintToken(POOL))).rejects.toThrow();
    expect(jwksRequests).toBe(before);
  }, 30_000);
});
