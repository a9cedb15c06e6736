import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.js';
import { PROJECT_ROOT } from '../../local/settings.js';

/**
 * The README's "Write your own tool, resource or prompt" examples, copied out of README.md as
 * written into a scratch copy of the project (a temp folder, node_modules symlinked), where the
 * list generator (`npm run catalog:index`) picks them up, tsc checks them with the project's
 * settings, and the copy's own MCP endpoint code calls them: the real catalog, scope gate and
 * SDK in process, the notes in the test stack's DynamoDB Local. Only the authorizer is not run
 * (the caller is given as its context, as API Gateway passes it) and the rate limit admits all.
 */

const SECTION = '### Write your own tool, resource or prompt';

/** Every `// functions/mcp/….ts` file in the section's ```ts blocks, as its text. */
export function readmeExampleFiles(readme: string): Map<string, string> {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}"`);
  const rest = readme.slice(start + SECTION.length);
  const section = rest.slice(0, rest.search(/\n#{1,3} /));
  const files = new Map<string, string>();
  for (const block of section.matchAll(/```ts\n([\s\S]*?)```/g)) {
    let current: string | undefined;
    for (const line of block[1]!.split('\n')) {
      const header = /^\/\/ (functions\/mcp\/[a-z-]+\/[a-z0-9-]+\.ts)$/.exec(line);
      if (header) {
        current = header[1]!;
        files.set(current, '');
      } else if (current === undefined) {
        if (line.trim() !== '') throw new Error(`README example code before a "// functions/mcp/….ts" line: ${line}`);
      } else {
        files.set(current, `${files.get(current)}${line}\n`);
      }
    }
  }
  return files;
}

type Json = any;

describe('the README examples "Write your own tool, resource or prompt" run as written', () => {
  const stack = inject('stack');
  const copy = mkdtempSync(join(tmpdir(), 'mcp-readme-examples-'));
  const examples = readmeExampleFiles(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'));
  const dynamoDb = localDynamoDbClient(stack.dynamoDbEndpoint);
  afterAll(() => {
    dynamoDb.destroy();
    rmSync(copy, { recursive: true, force: true });
  });

  beforeAll(() => {
    for (const dir of ['admin', 'authorizer', 'dcr', 'functions', 'lib', 'oauth', 'scripts']) {
      cpSync(join(PROJECT_ROOT, dir), join(copy, dir), { recursive: true });
    }
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(PROJECT_ROOT, file), join(copy, file));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    for (const [path, text] of examples) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), text);
    }
  });

  it('has a tool, a resource and a prompt', () => {
    expect([...examples.keys()].sort()).toEqual([
      'functions/mcp/mcp-resources/note-title.ts',
      'functions/mcp/prompts/plan-day.ts',
      'functions/mcp/tools/notes-count.ts',
    ]);
  });

  it('regenerates the lists with them (npm run catalog:index) and type-checks them as the project does', () => {
    const tsx = join(copy, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const generated = spawnSync(process.execPath, [tsx, 'scripts/generate-catalog-index.ts'], { cwd: copy, encoding: 'utf8' });
    expect(generated.status).toBe(0);
    for (const [folder, file] of [['tools', 'notes-count'], ['mcp-resources', 'note-title'], ['prompts', 'plan-day']]) {
      expect(readFileSync(join(copy, 'functions', 'mcp', folder!, 'index.ts'), 'utf8')).toContain(`from './${file}.js'`);
    }
    // The project's compiler settings over the examples and everything the lists import.
    writeFileSync(
      join(copy, 'tsconfig.readme.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [...examples.keys(), 'functions/mcp/*/index.ts', 'functions/mcp/mcp-endpoint.ts'] }),
    );
    const tsc = spawnSync(process.execPath, [join(copy, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.readme.json'], { cwd: copy, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  it('calls them through the MCP endpoint code: the tool counts, the resource reads the title, the prompt drafts', async () => {
    const load = (path: string) => import(join(copy, path));
    const [{ compileCatalog }, { loadMcpConfig }, { answerMcpRequest }, { createToolServices }, { mcpRequestState }, toolList, resourceList, promptList, { createDocumentClient }, { sdkDocuments }, { mcpCorsPolicy }, { toAuthorizerContext }, { createLogger }] =
      await Promise.all([
        load('functions/mcp/calls/catalog.ts'),
        load('functions/mcp/config.ts'),
        load('functions/mcp/mcp-endpoint.ts'),
        load('functions/mcp/services.ts'),
        load('functions/mcp/protocol/request-state.ts'),
        load('functions/mcp/tools/index.ts'),
        load('functions/mcp/mcp-resources/index.ts'),
        load('functions/mcp/prompts/index.ts'),
        load('lib/dynamodb/document-client.ts'),
        load('lib/dynamodb/sdk-documents.ts'),
        load('lib/http/cors.ts'),
        load('lib/identity.ts'),
        load('lib/logger.ts'),
      ]);
    const base = 'https://mcp.example.com';
    const config = loadMcpConfig({
      PUBLIC_BASE_URL: base,
      MCP_RESOURCE_URL: `${base}/mcp`,
      MCP_REQUEST_STATE_SECRET_ID: 'mcp-request-state',
      NOTES_TABLE: 'secure-mcp-local-notes',
    });
    const documents = sdkDocuments(createDocumentClient(dynamoDb));
    const endpoint = {
      config,
      catalog: compileCatalog(toolList.tools, resourceList.resources, promptList.prompts),
      services: createToolServices(config, documents, { USER_POOL_ID: stack.userPoolId, CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::000000000000:role/unused' }, {
        notesDocuments: async () => documents,
      }),
      rateLimiter: { consume: async (_key: string, limit: number, windowSeconds: number) => ({ allowed: true, limit, remaining: limit, retryAfterSeconds: windowSeconds }) },
      requestState: mcpRequestState(randomBytes(32)),
      cors: mcpCorsPolicy([]),
      logger: createLogger('readme-examples'),
      onCall: () => undefined,
      now: () => new Date(),
    };
    const principal = `readme-${crypto.randomUUID()}`;
    const authorizer = toAuthorizerContext({
      principal, authMethod: 'jwt', sub: principal, username: principal, clientId: 'readme-client',
      scopes: [`${base}/mcp/read`, `${base}/mcp/write`], groups: [], tokenId: 'readme-token',
      expiresAt: Math.floor(Date.now() / 1000) + 3600, clientTrust: 'dynamic',
    });
    let id = 1;
    const rpc = async (method: string, params: object): Promise<Json> => {
      const event = {
        httpMethod: 'POST',
        path: '/mcp',
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
        isBase64Encoded: false,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' },
        multiValueHeaders: {},
        requestContext: { requestId: `readme-${id}`, authorizer, identity: { sourceIp: '192.0.2.1' } },
      } as unknown as APIGatewayProxyEvent;
      const response = await answerMcpRequest(event, endpoint);
      expect(response.statusCode).toBe(200);
      return JSON.parse(response.body);
    };

    expect((await rpc('tools/call', { name: 'notes_count', arguments: {} })).result.structuredContent).toEqual({ count: 0 });
    const put = await rpc('tools/call', { name: 'notes_put', arguments: { title: 'From the README', body: 'Runs as written.' } });
    const note = put.result.structuredContent.note as { id: string };
    const counted = await rpc('tools/call', { name: 'notes_count', arguments: {} });
    expect(counted.result).toMatchObject({ structuredContent: { count: 1 }, content: [{ type: 'text', text: 'You have 1 notes.' }] });

    expect((await rpc('resources/templates/list', {})).result.resourceTemplates).toContainEqual(expect.objectContaining({ name: 'note_title', uriTemplate: 'note-title://{id}' }));
    const read = await rpc('resources/read', { uri: `note-title://${note.id}` });
    expect(read.result.contents).toEqual([expect.objectContaining({ uri: `note-title://${note.id}`, mimeType: 'text/plain', text: 'From the README' })]);
    const missing = await rpc('resources/read', { uri: 'note-title://no-such-note' });
    expect(missing.error).toMatchObject({ code: -32602, message: expect.stringContaining('Resource not found') });

    const prompt = await rpc('prompts/get', { name: 'plan_day', arguments: { goal: 'shipping the README' } });
    expect(prompt.result.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Plan a day for: shipping the README' } }]);
  });
});
