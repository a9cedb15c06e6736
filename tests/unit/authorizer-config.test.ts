import { describe, expect, it } from 'vitest';
import { loadAuthorizerConfig as load } from '../../authorizer/config.js';
import { ConfigurationError } from '../../lib/config.js';

const REQUIRED = {
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
  REVOCATIONS_TABLE: 'secure-mcp-dev-revocations',
  CLIENTS_TABLE: 'secure-mcp-dev-clients',
  API_KEYS_TABLE: 'secure-mcp-dev-api-keys',
};

const DEFAULTS = {
  resourceUrl: REQUIRED.MCP_RESOURCE_URL,
  revocationsTable: REQUIRED.REVOCATIONS_TABLE,
  clientsTable: REQUIRED.CLIENTS_TABLE,
  apiKeysTable: REQUIRED.API_KEYS_TABLE,
  dynamoDbTimeoutMs: 1000,
  touchTimeoutMs: 250,
  clockSkewSeconds: 10,
};

const loadAuthorizerConfig = (env: Record<string, string | undefined>) => load({ ...REQUIRED, ...env });

describe('loadAuthorizerConfig', () => {
  it.each(['eu-west-1_AbC123xyz', 'us-east-1_LocalPool', 'ap-southeast-2_a1', 'ca-central-1_0'])(
    'accepts the user pool id %s',
    (id) => {
      expect(loadAuthorizerConfig({ USER_POOL_ID: id })).toEqual({ ...DEFAULTS, userPoolId: id, localJwksOrigin: undefined });
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

  // Pool ids of the GovCloud and EU sovereign partitions (aws-jwt-verify accepts them too).
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
    ).toEqual({ ...DEFAULTS, userPoolId: 'us-east-1_LocalPool', localJwksOrigin: 'http://localhost:9229' });
  });

  it.each([
    ['MCP_RESOURCE_URL', undefined, 'is required'],
    ['MCP_RESOURCE_URL', 'mcp.example.com/mcp', 'must be an absolute http(s) URL'],
    ['MCP_RESOURCE_URL', 'ftp://mcp.example.com/mcp', 'must be an absolute http(s) URL'],
    ['REVOCATIONS_TABLE', undefined, 'is required'],
    ['CLIENTS_TABLE', 'a b', 'must be a DynamoDB table name'],
    ['API_KEYS_TABLE', '', 'is required'],
    ['AUTHORIZER_DYNAMODB_TIMEOUT_MS', '0', 'must be an integer from 50 to 10000'],
    ['AUTHORIZER_DYNAMODB_TIMEOUT_MS', '1e3', 'must be an integer from 50 to 10000'],
    ['AUTHORIZER_TOUCH_TIMEOUT_MS', '5', 'must be an integer from 10 to 5000'],
    ['AUTHORIZER_TOUCH_TIMEOUT_MS', '5001', 'must be an integer from 10 to 5000'],
    ['AUTHORIZER_CLOCK_SKEW_SECONDS', '-1', 'must be an integer from 0 to 300'],
    ['AUTHORIZER_CLOCK_SKEW_SECONDS', '301', 'must be an integer from 0 to 300'],
  ])('refuses %s=%s: %s', (name, value, message) => {
    expect(() => loadAuthorizerConfig({ USER_POOL_ID: 'us-east-1_LocalPool', [name]: value })).toThrow(`${name}: ${message}`);
  });

  it('reports every problem at once', () => {
    expect(() => load({})).toThrow(/USER_POOL_ID: is required; MCP_RESOURCE_URL: is required; REVOCATIONS_TABLE/);
  });

  it('reads the timeout and the clock skew', () => {
    const config = loadAuthorizerConfig({
      USER_POOL_ID: 'us-east-1_LocalPool',
      AUTHORIZER_DYNAMODB_TIMEOUT_MS: '250',
      AUTHORIZER_TOUCH_TIMEOUT_MS: '100',
      AUTHORIZER_CLOCK_SKEW_SECONDS: '0',
    });
    expect(config).toMatchObject({ dynamoDbTimeoutMs: 250, touchTimeoutMs: 100, clockSkewSeconds: 0 });
  });
});
