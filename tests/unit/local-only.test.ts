import { describe, expect, it } from 'vitest';
import { localJwksOrigin } from '../../authorizer/local-jwks.js';
import { localCimdOrigins } from '../../dcr/cimd/local-origins.js';
import { localToolCredentialsSource } from '../../lib/aws/local-credentials.js';
import { isLoopbackHost } from '../../lib/http/loopback.js';
import { requireLocalStack } from '../../lib/local-only.js';

const OFFLINE = { IS_OFFLINE: 'true' };

describe('requireLocalStack (lib/local-only.ts): the one guard of the local-only settings', () => {
  it('holds only under serverless-offline, outside the Lambda runtime', () => {
    expect(() => requireLocalStack('X', {})).toThrow('X is set but IS_OFFLINE is not true; it only works in the local stack');
    expect(() => requireLocalStack('X', { ...OFFLINE, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toThrow(/this is the AWS Lambda runtime/);
    expect(() => requireLocalStack('X', { ...OFFLINE, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toThrow(/this is the AWS Lambda runtime/);
    const refuse = requireLocalStack('X', OFFLINE);
    expect(() => refuse('it is odd')).toThrow('X is set but it is odd; it only works in the local stack');
  });

  // Each setting, set in the Lambda runtime, stops the function the same way.
  it.each([
    ['LOCAL_COGNITO_JWKS_ORIGIN', 'http://localhost:9229', localJwksOrigin],
    ['LOCAL_CIMD_ORIGINS', 'http://localhost:8443', localCimdOrigins],
    ['LOCAL_TOOL_CREDENTIALS', 'function-role', localToolCredentialsSource],
  ] as const)('%s is refused in the Lambda runtime and honoured in the local stack', (variable, value, read) => {
    expect(() => read({ [variable]: value, ...OFFLINE, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toThrow(
      `${variable} is set but this is the AWS Lambda runtime; it only works in the local stack`,
    );
    expect(() => read({ [variable]: value })).toThrow(`${variable} is set but IS_OFFLINE is not true`);
    expect(read({ [variable]: value, ...OFFLINE })).toBeTruthy();
  });
});

describe('isLoopbackHost (lib/http/loopback.ts)', () => {
  it('names the loopback hosts as URL parsing spells them, and nothing else', () => {
    for (const url of ['http://localhost:1/', 'http://127.0.0.1/', 'http://[::1]:8080/']) expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
    for (const url of ['http://localhost.example.com/', 'http://127.0.0.2/', 'http://[::2]/', 'http://0.0.0.0/', 'http://example.com/']) {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(false);
    }
  });
});
