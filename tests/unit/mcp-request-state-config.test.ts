import { describe, expect, it } from 'vitest';
import { loadMcpConfig } from '../../functions/mcp/config.js';

const base = { PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' };

describe('MCP_REQUEST_STATE_KEY', () => {
  it('is optional (unset or empty, as the stage parameter defaults)', () => {
    expect(loadMcpConfig(base).requestStateKey).toBeUndefined();
    expect(loadMcpConfig({ ...base, MCP_REQUEST_STATE_KEY: '' }).requestStateKey).toBeUndefined();
  });

  it('takes 32 bytes or more, base64, and refuses a shorter key at cold start', () => {
    expect(loadMcpConfig({ ...base, MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 7).toString('base64') }).requestStateKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadMcpConfig({ ...base, MCP_REQUEST_STATE_KEY: Buffer.alloc(31).toString('base64') })).toThrow(/MCP_REQUEST_STATE_KEY: must be at least 32 bytes/);
  });
});
