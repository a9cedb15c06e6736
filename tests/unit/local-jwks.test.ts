import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_JWKS_VARIABLE, localJwksFetcher, localJwksOrigin } from '../../authorizer/local-jwks.js';

const offline = (origin: string, extra: Record<string, string> = {}) => ({
  [LOCAL_JWKS_VARIABLE]: origin,
  IS_OFFLINE: 'true',
  ...extra,
});

describe('localJwksOrigin', () => {
  it('uses the LOCAL_COGNITO_JWKS_ORIGIN variable', () => {
    expect(LOCAL_JWKS_VARIABLE).toBe('LOCAL_COGNITO_JWKS_ORIGIN');
  });

  it('is undefined when the variable is unset, whatever else is set', () => {
    expect(localJwksOrigin({})).toBeUndefined();
    expect(localJwksOrigin({ IS_OFFLINE: 'true' })).toBeUndefined();
    expect(localJwksOrigin({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' })).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(localJwksOrigin({ [LOCAL_JWKS_VARIABLE]: '' })).toBeUndefined();
  });

  it.each([
    ['IS_OFFLINE unset', {}],
    ['IS_OFFLINE=false', { IS_OFFLINE: 'false' }],
    ['IS_OFFLINE=1', { IS_OFFLINE: '1' }],
    ['IS_OFFLINE=TRUE', { IS_OFFLINE: 'TRUE' }],
    ['IS_OFFLINE empty', { IS_OFFLINE: '' }],
  ])('throws when set with %s', (_label, env) => {
    expect(() => localJwksOrigin({ [LOCAL_JWKS_VARIABLE]: 'http://localhost:9229', ...env })).toThrow(
      /LOCAL_COGNITO_JWKS_ORIGIN is set but IS_OFFLINE is not true/,
    );
  });

  it.each([
    ['AWS_EXECUTION_ENV', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' }],
    ['AWS_LAMBDA_RUNTIME_API', { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }],
    ['both', { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }],
  ])('throws inside the Lambda runtime (%s set) even with IS_OFFLINE=true', (_label, extra) => {
    expect(() => localJwksOrigin(offline('http://localhost:9229', extra))).toThrow(/AWS Lambda runtime/);
  });

  it.each([
    ['a non-loopback host', 'http://example.com:9229'],
    ['a private address', 'http://10.0.0.1:9229'],
    ['the unspecified address', 'http://0.0.0.0:9229'],
    ['another 127/8 address', 'http://127.0.0.2:9229'],
    ['a host that only starts with localhost', 'http://localhost.evil.example:9229'],
    ['a host that ends with localhost', 'http://evil-localhost:9229'],
    ['https on loopback', 'https://localhost:9229'],
    ['https on the Cognito host', 'https://cognito-idp.us-east-1.amazonaws.com'],
    ['another scheme on loopback', 'ftp://localhost:9229'],
    ['a file URL', 'file:///tmp/jwks.json'],
  ])('throws for %s', (_label, origin) => {
    expect(() => localJwksOrigin(offline(origin))).toThrow(/not an http URL on a loopback host/);
  });

  it.each(['not a url', 'localhost:9229', '//localhost:9229', 'http://'])('throws for the garbage URL %j', (origin) => {
    expect(() => localJwksOrigin(offline(origin))).toThrow(/LOCAL_COGNITO_JWKS_ORIGIN is set but/);
  });

  it.each([
    ['http://localhost:9229', 'http://localhost:9229'],
    ['http://127.0.0.1:9229', 'http://127.0.0.1:9229'],
    ['http://[::1]:9229', 'http://[::1]:9229'],
    ['http://localhost', 'http://localhost'],
    ['http://localhost:9229/', 'http://localhost:9229'],
    ['http://127.0.0.1:9229/some/path?x=1', 'http://127.0.0.1:9229'],
    ['HTTP://LOCALHOST:9229', 'http://localhost:9229'],
  ])('returns the origin of the loopback http URL %s', (origin, expected) => {
    expect(localJwksOrigin(offline(origin))).toBe(expected);
  });
});

describe('localJwksFetcher', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const COGNITO_JWKS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool/.well-known/jwks.json';

  it.each([
    'https://evil.example.com/x',
    'https://evil.example.com/us-east-1_LocalPool/.well-known/jwks.json',
    'http://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool/.well-known/jwks.json',
    'https://cognito-idp.us-east-1.amazonaws.com.evil.example/us-east-1_LocalPool/.well-known/jwks.json',
    'https://cognito-idp.us-east-1.amazonaws.com@evil.example/x',
    'https://cognito-idp.us-east-1.amazonaws.com:8443/x',
    'https://cognito-idp.us-east-1.amazonaws.com',
    'https://evil.example/https://cognito-idp.us-east-1.amazonaws.com/x',
    'https://cognito-idp.US-EAST-1.amazonaws.com/x',
    'https://cognito-identity.us-east-1.amazonaws.com/x',
    '',
  ])('refuses %j without any network call', async (uri) => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network must not be used'));
    const fetcher = localJwksFetcher('http://localhost:9229');
    await expect(fetcher.fetch(uri)).rejects.toThrow(`Refusing to fetch ${uri}`);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("maps a Cognito JWKS URL onto the emulator's origin", async () => {
    const jwks = JSON.stringify({ keys: [] });
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(jwks, { status: 200 }));
    const body = await localJwksFetcher('http://127.0.0.1:9229').fetch(COGNITO_JWKS);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(fetchSpy.mock.calls[0]?.[0]).toBe('http://127.0.0.1:9229/us-east-1_LocalPool/.well-known/jwks.json');
    expect(fetchSpy.mock.calls[0]?.[1]?.signal).toBeInstanceOf(AbortSignal);
    expect(new TextDecoder().decode(body)).toBe(jwks);
  });

  it('throws with the status when the emulator answers with an error', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('nope', { status: 503 }));
    await expect(localJwksFetcher('http://localhost:9229').fetch(COGNITO_JWKS)).rejects.toThrow(
      'JWKS fetch failed with HTTP 503',
    );
  });
});
