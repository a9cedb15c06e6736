import {
  type AuthInfo,
  type CacheHint,
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  Server,
  WebStandardStreamableHTTPServerTransport,
  createMcpHandler,
} from '@modelcontextprotocol/server';
import { type CatalogView, resourceFor } from '../calls/catalog.js';
import { callerOf } from './caller.js';
import { noSchemaValidator } from './no-schema-validator.js';
import { executePromptGet } from '../calls/prompt-get.js';
import type { McpRequestState } from './request-state.js';
import { listResources } from '../calls/resource-listing.js';
import { executeResourceRead } from '../calls/resource-read.js';
import type { ToolContext } from '../tool.js';
import { type ToolCallEnvironment, executeToolCall } from '../calls/tool-call.js';

export const SERVER_INFO = { name: 'secure-mcp', version: '0.1.0' } as const;

/** What one request serves: the caller's own view of the catalog and the environment of its calls. */
export interface RequestScope {
  visible: CatalogView;
  environment: ToolCallEnvironment;
  /** Seals and checks the state of input-required rounds (2026-07-28). */
  requestState: McpRequestState;
}

/**
 * Lists are filtered per caller (by scope, and resources/list shows the caller's own notes), so a
 * cache may keep them only for that caller: `private`, never `public`. A minute is short enough
 * for a scope change to show soon; a read is not to be cached (a note changes).
 */
const PRIVATE_LIST: CacheHint = { ttlMs: 60_000, cacheScope: 'private' };

/** Most completion values a response may carry (MCP). */
const MAX_COMPLETIONS = 100;

/**
 * The SDK's low-level server with our own handlers: it answers initialize (2025) and
 * server/discover (2026-07-28), adds `resultType`, `_meta.serverInfo` and the cache hints, and
 * routes; the handlers show each caller only what its scopes allow and run calls through the
 * executors (validation, audit, errors). Not McpServer: that one rebuilds every JSON Schema from
 * zod for each request, where these listings are computed once per container.
 */
function buildServer(scope: RequestScope): Server {
  const { visible, environment } = scope;
  const server = new Server(SERVER_INFO, {
    // Nothing changes while a deployment runs, and a stateless server could not push it anyway;
    // no resource subscriptions for the same reason.
    capabilities: {
      // logging: 2025 clients may set a level (answered by the SDK); messages go only where asked for.
      logging: {},
      tools: { listChanged: false },
      resources: { listChanged: false },
      prompts: { listChanged: false },
      completions: {},
    },
    jsonSchemaValidator: noSchemaValidator,
    requestState: { verify: scope.requestState.verify },
    cacheHints: {
      'tools/list': PRIVATE_LIST,
      'resources/list': PRIVATE_LIST,
      'resources/templates/list': PRIVATE_LIST,
      'prompts/list': PRIVATE_LIST,
      'resources/read': { ttlMs: 0, cacheScope: 'private' },
    },
  });
  const contextOf = (http: { authInfo?: AuthInfo } | undefined): ToolContext => ({
    caller: callerOf(http),
    scopes: environment.scopes,
    services: environment.services,
    now: environment.now,
  });

  server.setRequestHandler('tools/list', () => ({ tools: [...visible.tools.values()].map((tool) => tool.listing) }));
  server.setRequestHandler('tools/call', async (request, context) => {
    const tool = visible.tools.get(request.params.name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return executeToolCall(tool, request.params.arguments, callerOf(context.http), environment, { mcp: context, requestState: scope.requestState });
  });

  server.setRequestHandler('resources/list', (request, context) => listResources(visible.resources, contextOf(context.http), request.params?.cursor));
  server.setRequestHandler('resources/templates/list', () => ({
    resourceTemplates: visible.resources.filter((resource) => resource.isTemplate).map((resource) => resource.listing as typeof resource.listing & { uriTemplate: string }),
  }));
  server.setRequestHandler('resources/read', async (request, context) => {
    const resource = resourceFor(visible.resources, request.params.uri);
    if (!resource) throw new ResourceNotFoundError(request.params.uri);
    return executeResourceRead(resource, request.params.uri, callerOf(context.http), environment);
  });

  server.setRequestHandler('prompts/list', () => ({ prompts: [...visible.prompts.values()].map((prompt) => prompt.listing) }));
  server.setRequestHandler('prompts/get', async (request, context) => {
    const prompt = visible.prompts.get(request.params.name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    return executePromptGet(prompt, request.params.arguments, callerOf(context.http), environment, context);
  });

  server.setRequestHandler('completion/complete', async (request, context) => {
    const { ref, argument } = request.params;
    // Only what the caller may see can be completed: an invisible prompt or template is unknown.
    const target =
      ref.type === 'ref/prompt'
        ? visible.prompts.get(ref.name)
        : visible.resources.find((resource) => resource.isTemplate && resource.definition.uriTemplate === ref.uri);
    if (!target) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, ref.type === 'ref/prompt' ? `Unknown prompt: ${ref.name}` : `Unknown resource template: ${ref.uri}`);
    }
    const completers = target.definition.complete as Record<string, (prefix: string, context: ToolContext) => Promise<string[]>> | undefined;
    const complete = completers?.[argument.name];
    const values = complete ? await complete(argument.value.slice(0, 256), contextOf(context.http)) : [];
    return { completion: { values: values.slice(0, MAX_COMPLETIONS), total: values.length, hasMore: values.length > MAX_COMPLETIONS } };
  });
  return server;
}

/** The request's scope travels to the per-request server factory inside authInfo (pass-through in the SDK). */
const scopeOf = (authInfo: AuthInfo | undefined): RequestScope => {
  const scope = authInfo?.extra?.scope as RequestScope | undefined;
  if (!scope) throw new Error('Request has no scope');
  return scope;
};

/**
 * 2026-07-28 requests: the SDK's modern leg, strict (`legacy: 'reject'`), because 2025 requests
 * never reach it (serveMcpRequest routes them). JSON answers unless a handler sends a
 * notification first (progress), which upgrades the answer to an SSE stream.
 */
const modern = createMcpHandler(({ authInfo }) => buildServer(scopeOf(authInfo)), { legacy: 'reject', responseMode: 'auto' });

export type ProtocolEra = 'modern' | 'legacy';

/**
 * Answers one MCP request of either era. 2025 requests get a fresh server and a stateless
 * transport with JSON answers, as before the 2026 revision (a buffered API Gateway path and the
 * clients of that time expect them; the SDK's own stateless fallback would answer SSE), except
 * for a request that carries a progressToken: progress needs a stream. Both
 * eras share buildServer, so they list and call the same things in the same way.
 * `parsedBody` is the already parsed JSON-RPC message, when the caller parsed it.
 */
export async function serveMcpRequest(
  request: Request,
  era: ProtocolEra,
  options: { authInfo: AuthInfo; scope: RequestScope; parsedBody?: unknown; maxRequestBytes: number },
): Promise<Response> {
  const authInfo = { ...options.authInfo, extra: { ...options.authInfo.extra, scope: options.scope } };
  if (era === 'modern') return modern.fetch(request, { authInfo, parsedBody: options.parsedBody });
  const server = buildServer(options.scope);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    // A call that asks for progress gets an SSE answer, so its notifications are delivered; all
    // others a plain JSON body.
    enableJsonResponse: !asksForProgress(options.parsedBody),
    maxRequestBodySize: options.maxRequestBytes,
  });
  let response: Response;
  try {
    await server.connect(transport);
    response = await transport.handleRequest(request, { authInfo, parsedBody: options.parsedBody });
  } catch (error) {
    await server.close();
    throw error;
  }
  // A JSON answer is complete; a stream (progress) is still being written by the handler, so the
  // server closes when it ends, or when the reader gives up.
  if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    await server.close();
    return response;
  }
  return new Response(closingWhenDone(response.body, () => server.close()), response);
}

function closingWhenDone(body: ReadableStream<Uint8Array>, close: () => Promise<void>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) return controller.enqueue(value);
      controller.close();
      await close();
    },
    async cancel(reason) {
      await reader.cancel(reason);
      await close();
    },
  });
}

function asksForProgress(message: unknown): boolean {
  const meta = (message as { params?: { _meta?: { progressToken?: unknown } } } | undefined)?.params?._meta;
  return meta?.progressToken !== undefined;
}
