import { describe, expect, it } from 'vitest';
import { cognitoApiFromEnvironment } from '../../lib/cognito/json-api.js';
import { outcomeOf } from '../../lib/cognito-outcome.js';

// AWS Cognito cannot run here: a fetch stand-in answers as Cognito's JSON 1.1 API documents it.
const ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' };

function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const requests: Request[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push(new Request(url, init));
    return new Response(body, { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

describe('Cognito JSON API adapter', () => {
  it('signs a JSON 1.1 call to the regional endpoint and returns the output', async () => {
    const cognito = answering(200, '{"Users":[]}');
    const api = cognitoApiFromEnvironment(ENV, { fetch: cognito.fetch });
    expect(await api('ListUsers', { UserPoolId: 'eu-west-1_x', Limit: 1 })).toEqual({ Users: [] });
    const [request] = cognito.requests;
    expect(request!.url).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(request!.headers.get('x-amz-target')).toBe('AWSCognitoIdentityProviderService.ListUsers');
    expect(request!.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(request!.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/cognito-idp\/aws4_request/);
    expect(request!.headers.get('x-amz-security-token')).toBe('session');
  });

  it('uses AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER when set', async () => {
    const cognito = answering(200, '{}');
    await cognitoApiFromEnvironment({ ...ENV, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://localhost:9229/' }, { fetch: cognito.fetch })(
      'AdminUserGlobalSignOut',
      { UserPoolId: 'p', Username: 'u' },
    );
    expect(cognito.requests[0]!.url).toBe('http://localhost:9229/');
  });

  it.each([
    ['{"__type":"com.amazonaws.cognito#NotAuthorizedException","message":"denied"}', {}, 'NotAuthorizedException'],
    ['{"__type":"TooManyRequestsException","message":"slow down"}', {}, 'TooManyRequestsException'],
    ['{"message":"x"}', { 'x-amzn-errortype': 'UserNotFoundException:http://internal' }, 'UserNotFoundException'],
    ['<html>bad gateway</html>', {}, 'Http502Error'],
  ])('names an error response by its type: %s', async (body, headers, name) => {
    // No jitter: throttling and 5xx answers are retried (tests/unit/aws-json-retries.test.ts), without waiting here.
    const api = cognitoApiFromEnvironment(ENV, { fetch: answering(name === 'Http502Error' ? 502 : 400, body, headers).fetch, random: () => 0 });
    await expect(api('ListUsers', {})).rejects.toMatchObject({ name });
  });

  it("reports cognito-local's unsupported operation as unsupported", async () => {
    const api = cognitoApiFromEnvironment(ENV, {
      random: () => 0,
      fetch: answering(500, '{"code":"CognitoLocal#Unsupported","message":"Cognito Local unsupported feature: AdminUserGlobalSignOut"}').fetch,
    });
    const error = await api('AdminUserGlobalSignOut', {}).catch((caught: unknown) => caught);
    expect(outcomeOf(error)).toMatchObject({ status: 'unsupported' });
  });

  it('bounds a call that gets no answer', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const api = cognitoApiFromEnvironment(ENV, { fetch: hanging, timeoutMs: 50 });
    await expect(api('ListUsers', {})).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails each call, not the cold start, when credentials are missing', async () => {
    const api = cognitoApiFromEnvironment({ AWS_REGION: 'eu-west-1' });
    await expect(api('ListUsers', {})).rejects.toMatchObject({ name: 'ConfigurationError' });
  });
});
