import type { McpAnswer } from '../mcp-endpoint.js';
import type { McpRequestContext } from './context.js';

/**
 * One step of /mcp (mcp-endpoint.ts, MCP_STEPS): it answers the request (a refusal, or the SDK's
 * answer) or returns nothing to let the next step look, having noted what it learnt on the context.
 */
export type McpStep = (ctx: McpRequestContext) => McpAnswer | undefined | Promise<McpAnswer | undefined>;
