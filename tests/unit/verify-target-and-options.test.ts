import { describe, expect, it } from 'vitest';
import { UsageError, parseCommand } from '../../verify/options.js';
import { TargetError, parseTarget } from '../../verify/target.js';

describe('npm run verify: the URL given', () => {
  it.each([
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod/', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp'],
    ['https://mcp.example.com', 'https://mcp.example.com/mcp'],
    ['https://mcp.example.com/mcp/', 'https://mcp.example.com/mcp'],
    ['http://localhost:3000', 'http://localhost:3000/mcp'],
    ['http://127.0.0.1:3000/mcp', 'http://127.0.0.1:3000/mcp'],
  ])('%s is checked as %s', (input, mcpUrl) => {
    expect(parseTarget(input).mcpUrl).toBe(mcpUrl);
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://mcp.example.com', 'not MCP endpoints'],
    ['http://mcp.example.com/mcp', 'is not a loopback host'],
    ['https://user:pw@mcp.example.com', 'must not carry credentials'],
    ['https://mcp.example.com/mcp?x=1', 'without a query'],
  ])('refuses %s', (input, message) => {
    expect(() => parseTarget(input)).toThrow(TargetError);
    expect(() => parseTarget(input)).toThrow(message);
  });
});

describe('npm run verify: options', () => {
  const options = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommand(argv, env).options!;

  it('has defaults that make no sign-in, register and wait 75 s for a revocation', () => {
    expect(options(['https://mcp.example.com'])).toEqual({
      url: 'https://mcp.example.com',
      register: true,
      redirectUri: 'http://127.0.0.1/callback',
      chromiumPath: '/usr/bin/chromium',
      revocationWaitSeconds: 75,
    });
  });

  it('takes the credentials from the environment, the flags first', () => {
    expect(options(['u'], { MCP_VERIFY_USER: 'alice', MCP_VERIFY_PASSWORD: 'pw' })).toMatchObject({ user: 'alice', password: 'pw' });
    expect(options(['u', '--user', 'bob', '--password', 'x'], { MCP_VERIFY_USER: 'alice', MCP_VERIFY_PASSWORD: 'pw' })).toMatchObject({ user: 'bob', password: 'x' });
    expect(options(['u'], { CHROMIUM_PATH: '/opt/chromium' }).chromiumPath).toBe('/opt/chromium');
    expect(options(['u'], { MCP_VERIFY_INITIAL_ACCESS_TOKEN: 'iat' }).initialAccessToken).toBe('iat');
    expect(options(['u', '--initial-access-token', 'flag'], { MCP_VERIFY_INITIAL_ACCESS_TOKEN: 'iat' }).initialAccessToken).toBe('flag');
  });

  it.each([
    [[], 'give the URL to check'],
    [['a', 'b'], 'one URL expected'],
    [['u', '--user', 'alice'], 'give both --user and --password'],
    [['u', '--origin', 'https://app.example.com/path'], '--origin must be an origin'],
    [['u', '--origin', '*'], '--origin must be an origin'],
    [['u', '--client-id', 'c', '--redirect-uri', 'https://app.example.com/cb'], 'http loopback URI'],
    [['u', '--redirect-uri', 'http://127.0.0.1:8080/cb'], '--redirect-uri goes with --client-id'],
    [['u', '--revocation-wait', 'soon'], 'whole seconds'],
    [['u', '--revocation-wait', '5000'], 'whole seconds'],
    [['u', '--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });
});
