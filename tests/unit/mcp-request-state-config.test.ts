import { describe, expect, it } from 'vitest';
import { loadMcpConfig } from '../../functions/mcp/config.js';

const base = { PUBLIC_BASE_URL: 'https://mcp.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' };

describe('MCP_REQUEST_STATE_SECRET_ID', () => {
  it('names the secret the shared input-required key is derived from', () => {
    expect(loadMcpConfig({ ...base, MCP_REQUEST_STATE_SECRET_ID: 'secure-mcp-prod-mcp-request-state' }).requestStateSecretId).toBe(
      'secure-mcp-prod-mcp-request-state',
    );
  });

  it('is required: unset or empty, the cold start fails rather than each container drawing its own key', () => {
    expect(() => loadMcpConfig(base)).toThrow(/MCP_REQUEST_STATE_SECRET_ID/);
    expect(() => loadMcpConfig({ ...base, MCP_REQUEST_STATE_SECRET_ID: '' })).toThrow(/MCP_REQUEST_STATE_SECRET_ID/);
  });

  it('no longer takes a key in the environment', () => {
    const config = loadMcpConfig({ ...base, MCP_REQUEST_STATE_SECRET_ID: 's', MCP_REQUEST_STATE_KEY: Buffer.alloc(32).toString('base64') });
    expect(JSON.stringify(config)).not.toContain(Buffer.alloc(32).toString('base64'));
  });
});
