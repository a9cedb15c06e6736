import { describe, expect, it } from 'vitest';
import { cognitoClientName } from '../../dcr/app-client-request.js';
import type { RegistrationPolicy } from '../../dcr/register/policy.js';
import { grantScopes } from '../../dcr/register/scopes.js';

const RS = 'https://api.example.com/mcp';
const READ = `${RS}/read`;
const WRITE = `${RS}/write`;
const ADMIN = `${RS}/admin`;
const policy: RegistrationPolicy = { resourceServerId: RS, allowedScopes: [READ, WRITE] };

describe('grantScopes', () => {
  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('grants every allowed scope when the request is %s', (_label, requested) => {
    const granted = grantScopes(requested, policy);
    expect(granted).toEqual([READ, WRITE]);
    expect(granted).not.toBe(policy.allowedScopes);
  });

  it('accepts short names', () => {
    expect(grantScopes('read', policy)).toEqual([READ]);
  });

  it('accepts full names', () => {
    expect(grantScopes(WRITE, policy)).toEqual([WRITE]);
  });

  it('accepts a mix of short and full names, in the order of the policy', () => {
    expect(grantScopes(`write ${READ}`, policy)).toEqual([READ, WRITE]);
  });

  it('tolerates repeated spaces and duplicates', () => {
    expect(grantScopes('  read   read  write ', policy)).toEqual([READ, WRITE]);
  });

  it('drops unknown scopes', () => {
    expect(grantScopes('read openid profile https://other.example/read', policy)).toEqual([READ]);
  });

  it('never grants admin when the policy does not allow it (asking only for admin gets the default set)', () => {
    expect(grantScopes('admin', policy)).toEqual([READ, WRITE]);
    expect(grantScopes(ADMIN, policy)).toEqual([READ, WRITE]);
    expect(grantScopes('offline_access', policy)).toEqual([READ, WRITE]);
    expect(grantScopes(`read admin ${ADMIN}`, policy)).toEqual([READ]);
  });

  it('grants admin when the policy allows it', () => {
    expect(grantScopes('admin read', { ...policy, allowedScopes: [READ, ADMIN] })).toEqual([READ, ADMIN]);
  });

  it('does not grant a scope of another resource server with the same short name', () => {
    expect(grantScopes('https://evil.example/mcp/read write', policy)).toEqual([WRITE]);
    expect(grantScopes('https://evil.example/mcp/read', policy)).toEqual([READ, WRITE]);
  });

  it('grants nothing when the policy allows nothing', () => {
    expect(grantScopes('read', { ...policy, allowedScopes: [] })).toEqual([]);
  });
});

describe('cognitoClientName', () => {
  it('prefixes the client name with dcr', () => {
    expect(cognitoClientName({ client_name: 'Claude Code' })).toBe('dcr Claude Code');
  });

  it('keeps the characters Cognito allows', () => {
    expect(cognitoClientName({ client_name: 'a_b+c=d,e.f@g-h 9' })).toBe('dcr a_b+c=d,e.f@g-h 9');
  });

  it('strips the characters Cognito refuses', () => {
    expect(cognitoClientName({ client_name: 'My <App> (beta)! / "v2" ☃ café' })).toBe('dcr My App beta  v2  caf');
  });

  it('turns Unicode spaces into plain spaces (Cognito\'s \\s may be ASCII only)', () => {
    expect(cognitoClientName({ client_name: 'My\u2003App\u00a0v2\u3000x' })).toBe('dcr My App v2 x');
  });

  it('uses a default name when there is none', () => {
    expect(cognitoClientName({})).toBe('dcr MCP client');
  });

  it('uses a default name when nothing is left after stripping', () => {
    expect(cognitoClientName({ client_name: '<>!?☃' })).toBe('dcr MCP client');
  });

  it('is at most 128 characters', () => {
    const name = cognitoClientName({ client_name: 'x'.repeat(128) });
    expect(name).toHaveLength(128);
    expect(name).toBe(`dcr ${'x'.repeat(124)}`);
  });

  it('only produces characters Cognito allows', () => {
    const name = cognitoClientName({ client_name: '\u0000<script>alert("x")</script>;DROP TABLE%' });
    expect(name).toMatch(/^[\w\s+=,.@-]+$/);
  });
});

