import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import { createToolServices } from '../../functions/mcp/services.js';
import { parseGroupRoles, usableGroups } from '../../lib/aws/group-roles.js';
import { jsonApiDocuments } from '../../lib/dynamodb/documents.js';
import { dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';
import { CredentialsRefusedError, toolCredentialsFromEnvironment } from '../../lib/aws/tool-credentials.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { type StsResponder, startStsResponder } from '../support/sts-responder.js';

/**
 * Cognito groups → extra tool roles (MCP_GROUP_ROLES), checked at cold start, honoured only
 * through operator clients. The exchange runs against the STS STAND-IN (tests/support/sts-responder.ts);
 * the roles' trust policy is simulated in tests/unit/iam-policies.test.ts.
 */
const TOOL = 'arn:aws:iam::123456789012:role/secure-mcp-prod-CallerToolRole-ABC';
const OPS = 'arn:aws:iam::123456789012:role/secure-mcp/prod/ops-tools';
const PATH = '/secure-mcp/prod/';
const KEY = { accessKeyId: 'ASIAFUNCTIONROLE0002', secretAccessKey: 'function-secret', sessionToken: 'function-token' };

const caller = (overrides: Partial<CallerIdentity> = {}): CallerIdentity => ({
  principal: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
  authMethod: 'jwt',
  sub: '8d3f5a2e-1b4c-4e6f-9a7b-0c1d2e3f4a5b',
  username: 'ops@example.com',
  clientId: 'operator-client',
  scopes: [],
  groups: ['ops', 'sales'],
  tokenId: 'jti',
  expiresAt: 2_000_000_000,
  clientTrust: 'operator',
  ...overrides,
});

describe('MCP_GROUP_ROLES at cold start', () => {
  it('parses group=roleArn pairs', () => {
    expect(parseGroupRoles(`ops=${OPS}; audit=${OPS}-audit`, TOOL, PATH)).toEqual({ ops: OPS, audit: `${OPS}-audit` });
    expect(parseGroupRoles('', TOOL, undefined)).toEqual({});
  });

  it.each([
    ['not a pair', 'ops', /is not group=roleArn/],
    ['not a role ARN', 'ops=arn:aws:iam::123456789012:user/x', /not a role ARN in the tool role's account/],
    ['another account', `ops=${OPS.replace('123456789012', '210987654321')}`, /tool role's account \(123456789012\)/],
    ['outside the role path', 'ops=arn:aws:iam::123456789012:role/ops-tools', /not under the role path \/secure-mcp\/prod\//],
    ["another stage's path", 'ops=arn:aws:iam::123456789012:role/secure-mcp/staging/ops-tools', /not under the role path/],
    ['the path alone', 'ops=arn:aws:iam::123456789012:role/secure-mcp/prod/', /not under the role path/],
    ['a group that cannot be a tag value', `o/ps=${OPS}`, /cannot be a session tag value/],
    ['a group mapped twice', `ops=${OPS};ops=${OPS}-2`, /mapped twice/],
  ])('refuses %s', (_label, value, message) => {
    expect(() => parseGroupRoles(value, TOOL, PATH)).toThrow(message);
  });

  it('refuses a mapping without the role path', () => {
    expect(() => parseGroupRoles(`ops=${OPS}`, TOOL, undefined)).toThrow(/MCP_GROUP_ROLE_PATH/);
  });

  it('honours groups only through operator clients', () => {
    const mapping = { ops: OPS };
    expect(usableGroups(caller(), mapping)).toEqual(['ops']);
    expect(usableGroups(caller({ clientTrust: 'dynamic' }), mapping)).toEqual([]);
    expect(usableGroups(caller({ groups: ['sales'] }), mapping)).toEqual([]);
  });
});

describe('credentialsFor(caller, { group })', () => {
  let sts: StsResponder;
  beforeAll(async () => {
    sts = await startStsResponder({ region: 'eu-west-1', keys: [KEY] });
  });
  afterAll(() => sts.close());
  const service = () =>
    toolCredentialsFromEnvironment({
      CALLER_TOOL_ROLE_ARN: TOOL,
      MCP_GROUP_ROLES: `ops=${OPS}`,
      MCP_GROUP_ROLE_PATH: PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_SESSION_TOKEN: KEY.sessionToken,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
    });

  it("assumes the group's role for a member, with the group in the session's groups tag", async () => {
    const credentials = service();
    const before = sts.requests.length;
    await credentials.credentialsFor(caller(), { group: 'ops' });
    await credentials.credentialsFor(caller());
    const [group, base] = sts.requests.slice(before).map((request) => request.form);
    expect(group!.get('RoleArn')).toBe(OPS);
    expect(base!.get('RoleArn')).toBe(TOOL);
    // Only mapped (or CALLER_SESSION_GROUPS) groups are tagged: sales is not.
    for (const form of [group!, base!]) {
      expect(form.get('Tags.member.4.Key')).toBe('groups');
      expect(form.get('Tags.member.4.Value')).toBe('/ops/');
    }
  });

  it('refuses the role to a non-member and to a member through a dynamic client, before any STS call', async () => {
    const credentials = service();
    const before = sts.requests.length;
    await expect(credentials.credentialsFor(caller({ groups: ['sales'] }), { group: 'ops' })).rejects.toThrow(CredentialsRefusedError);
    await expect(credentials.credentialsFor(caller({ clientTrust: 'dynamic' }), { group: 'ops' })).rejects.toThrow(CredentialsRefusedError);
    await expect(credentials.credentialsFor(caller(), { group: 'unmapped' })).rejects.toThrow(/no extra tool role of the group "unmapped"/);
    expect(sts.requests.length).toBe(before);
    expect(credentials.groupsOf(caller({ clientTrust: 'dynamic' }))).toEqual([]);
    expect(credentials.groupsOf(caller())).toEqual(['ops']);
  });
});

describe('the MCP function at cold start', () => {
  const config = loadMcpConfig({ PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp', MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' });
  const start = (env: Record<string, string>) => () =>
    createToolServices(config, jsonApiDocuments(dynamoDbJsonApiFromEnvironment({})), { USER_POOL_ID: 'eu-west-1_X', ...env });

  it.each<[string, Record<string, string>, RegExp]>([
    ['no tool role', {}, /CALLER_TOOL_ROLE_ARN must be the ARN of the tool role/],
    ['a malformed group mapping', { CALLER_TOOL_ROLE_ARN: TOOL, MCP_GROUP_ROLE_PATH: PATH, MCP_GROUP_ROLES: 'ops=arn:aws:iam::123456789012:role/elsewhere' }, /not under the role path/],
    ['a group mapping without the role path', { CALLER_TOOL_ROLE_ARN: TOOL, MCP_GROUP_ROLES: `ops=${OPS}` }, /MCP_GROUP_ROLE_PATH/],
    ['an alarm prefix with a control character', { CALLER_TOOL_ROLE_ARN: TOOL, ALARM_NAME_PREFIX: 'a\u0007b' }, /ALARM_NAME_PREFIX/],
    ['the local credentials source outside the local stack', { CALLER_TOOL_ROLE_ARN: TOOL, LOCAL_TOOL_CREDENTIALS: 'function-role', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, /LOCAL_TOOL_CREDENTIALS/],
  ])('refuses to start with %s', (_label, env, message) => {
    expect(start(env)).toThrow(message);
  });

  it('starts with a valid configuration', () => {
    expect(start({ CALLER_TOOL_ROLE_ARN: TOOL, MCP_GROUP_ROLE_PATH: PATH, MCP_GROUP_ROLES: `ops=${OPS}`, ALARM_NAME_PREFIX: 'secure-mcp-prod-' })).not.toThrow();
  });
});
