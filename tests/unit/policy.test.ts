import { describe, expect, it } from 'vitest';
import { allowPolicy, wholeApiResource } from '../../authorizer/policy.js';
import type { AuthorizerContext } from '../../lib/identity.js';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123def4';

const context: AuthorizerContext = {
  principal: 'user-1',
  auth_method: 'jwt',
  sub: 'user-1',
  username: 'alice',
  client_id: 'client-1',
  scope: 'https://api.example.com/mcp/read',
  groups: 'mcp-admins',
  jti: 'jti-1',
  exp: '1700000000',
  client_source: 'dynamic',
};

describe('wholeApiResource', () => {
  it.each([
    `${PREFIX}/prod/GET/mcp`,
    `${PREFIX}/prod/POST/mcp`,
    `${PREFIX}/prod/DELETE/mcp`,
    `${PREFIX}/prod/GET/`,
    `${PREFIX}/prod/GET`,
    `${PREFIX}/prod/GET/.well-known/oauth-protected-resource/mcp`,
    `${PREFIX}/prod/POST/a/b/c/d/e`,
    `${PREFIX}/prod/*/*`,
  ])('covers every method and path of the stage for %s', (methodArn) => {
    expect(wholeApiResource(methodArn)).toBe(`${PREFIX}/prod/*/*`);
  });

  it('keeps the stage of the methodArn', () => {
    expect(wholeApiResource(`${PREFIX}/local/GET/mcp`)).toBe(`${PREFIX}/local/*/*`);
    expect(wholeApiResource(`${PREFIX}/v2-beta/GET/mcp`)).toBe(`${PREFIX}/v2-beta/*/*`);
  });

  it('keeps the region, account and API id of the methodArn', () => {
    expect(wholeApiResource('arn:aws-cn:execute-api:cn-north-1:999999999999:zzz/dev/GET/x')).toBe(
      'arn:aws-cn:execute-api:cn-north-1:999999999999:zzz/dev/*/*',
    );
  });

  it.each([
    ['an empty string', ''],
    ['a string that is not an ARN', 'garbage'],
    ['a path without an ARN prefix', 'abc/prod/GET/mcp'],
    ['a prefix that only resembles arn:', 'arnx:aws:execute-api:eu-west-1:1:abc/prod/GET/mcp'],
    ['an ARN without a stage', PREFIX],
    ['an ARN with an empty stage', `${PREFIX}/`],
    ['an ARN with an empty stage before the method', `${PREFIX}//GET/mcp`],
  ])('throws for %s', (_label, methodArn) => {
    expect(() => wholeApiResource(methodArn)).toThrow('Unexpected methodArn format');
  });
});

describe('allowPolicy', () => {
  it('allows execute-api:Invoke on the whole stage for the principal', () => {
    const result = allowPolicy('user-1', `${PREFIX}/prod/POST/mcp`, context);
    expect(result.principalId).toBe('user-1');
    expect(result.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${PREFIX}/prod/*/*` }],
    });
  });

  it('never produces a Deny or a second statement', () => {
    const { Statement } = allowPolicy('user-1', `${PREFIX}/prod/GET/mcp`, context).policyDocument;
    expect(Statement).toHaveLength(1);
    expect(Statement[0]?.Effect).toBe('Allow');
  });

  it('copies the context', () => {
    const original = { ...context };
    const result = allowPolicy('user-1', `${PREFIX}/prod/GET/mcp`, original);
    expect(result.context).toEqual(context);
    expect(result.context).not.toBe(original);
    original.sub = 'someone-else';
    expect(result.context?.sub).toBe('user-1');
  });

  it('throws for a malformed methodArn rather than allowing anything', () => {
    expect(() => allowPolicy('user-1', 'not-an-arn', context)).toThrow('Unexpected methodArn format');
  });
});
