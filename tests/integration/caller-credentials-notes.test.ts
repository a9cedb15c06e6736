import { Logger } from '@aws-lambda-powertools/logger';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type AuditEvent, loggerAuditSink } from '../../functions/mcp/audit/audit.js';
import { loadMcpConfig } from '../../functions/mcp/config.js';
import { createToolServices, type ToolServices } from '../../functions/mcp/services.js';
import { type CompiledTool, compileTools } from '../../functions/mcp/tool.js';
import { executeToolCall } from '../../functions/mcp/calls/tool-call.js';
import { tools } from '../../functions/mcp/tools/index.js';
import { jsonApiDocuments } from '../../lib/dynamodb/documents.js';
import { dynamoDbJsonApiFromEnvironment } from '../../lib/dynamodb/json-api.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { type StsResponder, startStsResponder } from '../support/sts-responder.js';

/**
 * The notes tools with the caller's own credentials, in process: the real services
 * (createToolServices), the real STS client against the STS STAND-IN (tests/support/sts-responder.ts:
 * AssumeRole's real wire format and SigV4 check; no STS emulator can be installed here) and the
 * real DynamoDB JSON-API client against the stack's DynamoDB Local.
 *
 * DynamoDB Local evaluates no IAM: these tests show that every notes request is signed with the
 * caller's session and that the session is tagged with the caller, not that IAM refuses another
 * user's partition; tests/unit/iam-policies.test.ts proves that half with the IAM simulator.
 */
const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/secure-mcp-local-CallerToolRole';
const FUNCTION_KEY = { accessKeyId: 'ASIAMCPFUNCTIONROLE1', secretAccessKey: 'mcp-function-role-secret-0123456789', sessionToken: 'mcp-function-role-session-token-0123456789' };

let sts: StsResponder;
let services: ToolServices;
let compiled: ReadonlyMap<string, CompiledTool>;
const dynamoRequests: Array<{ authorization: string; token: string | null }> = [];
const written: string[] = [];
const audited: AuditEvent[] = [];
const logger = new Logger({ logLevel: 'INFO', persistentKeys: { component: 'mcp' } });
const auditLogger = new Logger({ logLevel: 'INFO', persistentKeys: { component: 'audit' } });
const audit = loggerAuditSink(auditLogger);

beforeAll(async () => {
  const stack = inject('stack');
  sts = await startStsResponder({ region: REGION, keys: [FUNCTION_KEY] });
  const env = {
    USER_POOL_ID: stack.userPoolId,
    CALLER_TOOL_ROLE_ARN: ROLE,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FUNCTION_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FUNCTION_KEY.secretAccessKey,
    AWS_SESSION_TOKEN: FUNCTION_KEY.sessionToken,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint,
  };
  const recordingFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (String(input).startsWith(stack.dynamoDbEndpoint)) {
      dynamoRequests.push({ authorization: headers.get('authorization') ?? '', token: headers.get('x-amz-security-token') });
    }
    return fetch(input, init);
  };
  const config = loadMcpConfig({ PUBLIC_BASE_URL: stack.baseUrl, MCP_RESOURCE_URL: stack.mcpUrl, NOTES_TABLE: 'secure-mcp-local-notes', MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state' });
  services = createToolServices(config, jsonApiDocuments(dynamoDbJsonApiFromEnvironment(env)), env, { fetch: recordingFetch });
  compiled = compileTools(tools);
  // Everything the loggers write, as it would reach CloudWatch Logs.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await sts.close();
});

const caller = (overrides: Partial<CallerIdentity> = {}): CallerIdentity => {
  const sub = randomUUID();
  return {
    principal: sub,
    authMethod: 'jwt',
    sub,
    username: `${sub}@example.com`,
    clientId: 'client-1',
    scopes: [],
    groups: [],
    tokenId: randomUUID(),
    expiresAt: 2_000_000_000,
    clientTrust: 'dynamic',
    ...overrides,
  };
};

const call = (name: string, args: unknown, who: CallerIdentity) =>
  executeToolCall(compiled.get(name)!, args, who, {
    scopes: new Set(['read', 'write']),
    services,
    request: { requestId: `r-${randomUUID()}`, sourceIp: '192.0.2.1', userAgent: 'test', era: 'legacy', protocolVersion: '2025-11-25' },
    logger,
    now: () => new Date(),
    onCall: (event) => {
      audited.push(event);
      audit(event);
    },
  });

/** Every secret the STS stand-in issued, and the function's own. */
const secrets = () => [
  FUNCTION_KEY.secretAccessKey,
  FUNCTION_KEY.sessionToken,
  ...[...sts.issued.entries()].flatMap(([accessKeyId, issued]) => [accessKeyId, issued.secretAccessKey, issued.sessionToken]),
];

describe("the notes store with the caller's credentials", () => {
  it("signs every notes request with the caller's own session, one AssumeRole per caller, tagged with the verified identity", async () => {
    const alice = caller();
    const before = sts.requests.length;
    const put = await call('notes_put', { title: 'mine', body: 'alice only' }, alice);
    expect(put).not.toHaveProperty('isError');
    const list = await call('notes_list', {}, alice);
    expect((list as { structuredContent: { notes: Array<{ title: string }> } }).structuredContent.notes.map((note) => note.title)).toEqual(['mine']);
    await call('notes_search', { query: 'alice' }, alice);
    // Three tool calls, one exchange: the session is cached.
    expect(sts.requests.length - before).toBe(1);
    const form = sts.requests.at(-1)!.form;
    expect(form.get('RoleArn')).toBe(ROLE);
    expect(form.get('SourceIdentity')).toBe(alice.principal);
    expect(form.get('Tags.member.1.Key')).toBe('principal');
    expect(form.get('Tags.member.1.Value')).toBe(alice.principal);
    expect(form.get('Tags.member.2.Value')).toBe('dynamic');
    expect(form.get('Tags.member.3.Value')).toBe('jwt');
    // Every DynamoDB request carries the issued session, never the function's own key.
    const [issuedKey, issued] = [...sts.issued.entries()].find(([, entry]) => entry.form.get('SourceIdentity') === alice.principal)!;
    const mine = dynamoRequests.filter((request) => request.authorization.includes(`Credential=${issuedKey}/`));
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((request) => request.token === issued.sessionToken)).toBe(true);
    expect(dynamoRequests.some((request) => request.authorization.includes(FUNCTION_KEY.accessKeyId))).toBe(false);
  });

  it("gives another user a session of their own, which does not see the first user's notes", async () => {
    const [alice, bob] = [caller(), caller()];
    await call('notes_put', { title: 'alice note', body: 'x' }, alice);
    const bobs = await call('notes_list', {}, bob);
    expect((bobs as { structuredContent: { notes: unknown[] } }).structuredContent.notes).toEqual([]);
    const identities = sts.requests.slice(-2).map((request) => request.form.get('SourceIdentity'));
    expect(identities).toEqual([alice.principal, bob.principal]);
  });

  it("gives an API key caller the key's owner as principal (mapped into STS's alphabet for SourceIdentity only)", async () => {
    const owner = `team:ci-${randomUUID().slice(0, 8)}`;
    const key = caller({ principal: owner, authMethod: 'api_key', clientTrust: 'operator', sub: owner });
    const put = await call('notes_put', { title: 'ci', body: 'from a key' }, key);
    expect(put).not.toHaveProperty('isError');
    const form = sts.requests.at(-1)!.form;
    expect(form.get('Tags.member.1.Value')).toBe(owner);
    expect(form.get('Tags.member.3.Value')).toBe('api_key');
    expect(form.get('SourceIdentity')).toMatch(/^team_ci-[0-9a-f]{8}=[A-Za-z0-9_-]{22}$/);
  });

  it('fails closed, with a generic tool error, when STS refuses the session', async () => {
    sts.deny = () => 'User is not authorized to perform: sts:AssumeRole';
    try {
      const result = await call('notes_list', {}, caller());
      expect(result).toMatchObject({ isError: true });
      expect(JSON.stringify(result)).toMatch(/internal error \(request id r-/);
      expect(audited.at(-1)).toMatchObject({ outcome: 'error' });
    } finally {
      sts.deny = undefined;
    }
  });

  it('never puts a credential into a result, an audit event or a log line', async () => {
    // One more of each kind of line: an ok call, a refused exchange (its error is logged).
    const results = [await call('notes_list', {}, caller())];
    sts.deny = () => 'denied';
    results.push(await call('notes_get', { id: 'n-1' }, caller()));
    sts.deny = undefined;
    const everything = [JSON.stringify(results), JSON.stringify(audited), ...written].join('\n');
    expect(written.some((line) => line.includes('"component":"audit"'))).toBe(true);
    expect(written.some((line) => line.includes('Tool failed'))).toBe(true);
    expect(secrets().length).toBeGreaterThan(6);
    for (const secret of secrets()) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(FUNCTION_KEY.accessKeyId);
  });
});
