/** The bare MCP floor (bare-mcp.ts) with Powertools' Logger, Metrics and middy around it (powertools-floor.ts). */
import { handler as bare } from './bare-mcp.js';
import { withPowertools } from './powertools-floor.js';

export const handler = withPowertools('bare-mcp', bare);
