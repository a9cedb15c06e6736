import { describe, expect, it } from 'vitest';
import { loadAuthorizerConfig } from '../../authorizer/config.js';
import { ConfigurationError } from '../../lib/config.js';

describe('loadAuthorizerConfig', () => {
  it.each(['eu-west-1_AbC123xyz', 'us-east-1_LocalPool', 'ap-southeast-2_a1', 'ca-central-1_0'])(
    'accepts the user pool id %s',
    (id) => {
      expect(loadAuthorizerConfig({ USER_POOL_ID: id })).toEqual({ userPoolId: id, localJwksOrigin: undefined });
    },
  );

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a region only', 'eu-west-1'],
    ['no id after the underscore', 'eu-west-1_'],
    ['no region', '_AbC123'],
    ['upper-case region', 'EU-WEST-1_AbC123'],
    ['a hyphen in the id', 'eu-west-1_AbC-123'],
    ['a leading space', ' eu-west-1_AbC123'],
    ['a trailing newline', 'eu-west-1_AbC123\n'],
    ['an ARN', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123'],
    ['a region without its number', 'eu-west_AbC123'],
  ])('refuses a user pool id that is %s, naming the variable', (_label, id) => {
    let error: unknown;
    try {
      loadAuthorizerConfig({ USER_POOL_ID: id });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/USER_POOL_ID/);
  });

  it('reports the pattern failure in words', () => {
    expect(() => loadAuthorizerConfig({ USER_POOL_ID: 'nope' })).toThrow('USER_POOL_ID: must be a Cognito user pool id');
  });

  // KNOWN BUG (see report): pool ids of the GovCloud and EU sovereign partitions are valid (aws-jwt-verify
  // accepts them) but the USER_POOL_ID pattern refuses them. Flip to `it` once the pattern is fixed.
  it.each(['us-gov-west-1_AbC123', 'eusc-de-east-1_AbC123'])('accepts the pool id %s of another partition', (id) => {
    expect(loadAuthorizerConfig({ USER_POOL_ID: id }).userPoolId).toBe(id);
  });

  it('throws when LOCAL_COGNITO_JWKS_ORIGIN is set without IS_OFFLINE', () => {
    expect(() =>
      loadAuthorizerConfig({ USER_POOL_ID: 'us-east-1_LocalPool', LOCAL_COGNITO_JWKS_ORIGIN: 'http://localhost:9229' }),
    ).toThrow(/IS_OFFLINE is not true/);
  });

  it('throws when LOCAL_COGNITO_JWKS_ORIGIN is set in the Lambda runtime', () => {
    expect(() =>
      loadAuthorizerConfig({
        USER_POOL_ID: 'us-east-1_LocalPool',
        LOCAL_COGNITO_JWKS_ORIGIN: 'http://localhost:9229',
        IS_OFFLINE: 'true',
        AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      }),
    ).toThrow(/AWS Lambda runtime/);
  });

  it('carries the local JWKS origin in the local stack', () => {
    expect(
      loadAuthorizerConfig({
        USER_POOL_ID: 'us-east-1_LocalPool',
        LOCAL_COGNITO_JWKS_ORIGIN: 'http://localhost:9229/',
        IS_OFFLINE: 'true',
      }),
    ).toEqual({ userPoolId: 'us-east-1_LocalPool', localJwksOrigin: 'http://localhost:9229' });
  });
});
