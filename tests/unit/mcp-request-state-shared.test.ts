import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ServerContext } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toAuthInfo } from '../../functions/mcp/protocol/caller.js';
import { mcpRequestState } from '../../functions/mcp/protocol/request-state.js';
import { deriveRequestStateKey } from '../../functions/mcp/protocol/request-state-key.js';
import type { CallerIdentity } from '../../lib/identity.js';
import { deriveKeys } from '../../oauth/keys.js';
import { LOCAL_OAUTH_KEY_SECRET_ID, startSecretsManager } from '../../local/secrets-manager.js';

/**
 * The input-required round trip across containers: the state one MCP function container seals
 * must open in another, as on a deployed stage, where the two rounds of a confirmation may reach
 * different containers. Each "container" is a fresh import of functions/mcp/container.ts (its
 * module state: the configuration, the codec, the cached key), as Lambda gives each container.
 * The secret is served by the local stack's Secrets Manager stand-in (local/secrets-manager.ts),
 * a real HTTP server speaking GetSecretValue; AWS Secrets Manager itself cannot be reached here.
 */
const RESOURCE = 'https://mcp.example.com/mcp';
const caller = (principal: string): CallerIdentity => ({
  principal,
  authMethod: 'jwt',
  sub: principal,
  username: principal,
  clientId: 'client-1',
  scopes: [`${RESOURCE}/admin`],
  groups: ['mcp-admins'],
  tokenId: 'jti',
  expiresAt: 2_000_000_000,
  clientTrust: 'operator',
});
const contextOf = (principal: string) =>
  ({ http: { authInfo: toAuthInfo(caller(principal), RESOURCE) }, mcpReq: { method: 'tools/call' } }) as unknown as ServerContext;

let secrets: Server;
let getSecretValueCalls = 0;
const saved = { ...process.env };

beforeAll(async () => {
  secrets = await startSecretsManager(0);
  secrets.on('request', () => getSecretValueCalls++);
  Object.assign(process.env, {
    PUBLIC_BASE_URL: 'https://mcp.example.com',
    MCP_RESOURCE_URL: RESOURCE,
    USER_POOL_ID: 'us-east-1_Test',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://localhost:${(secrets.address() as AddressInfo).port}`,
    MCP_REQUEST_STATE_SECRET_ID: LOCAL_OAUTH_KEY_SECRET_ID,
    CALLER_TOOL_ROLE_ARN: 'arn:aws:iam::123456789012:role/tool',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => secrets.close(resolve));
});

/** A new container: the MCP function's modules loaded afresh. */
async function container() {
  vi.resetModules();
  return (await import('../../functions/mcp/container.js')).endpoint;
}

describe('the input-required state on a deployed stage', () => {
  it('sealed by one container opens in another; the secret is read on the first round, not at cold start, then kept', async () => {
    const first = await container();
    expect(getSecretValueCalls).toBe(0);
    const payload = { tool: 'users_revoke_tokens', argsSha256: 'abc' };
    const state = await first.requestState.mint(payload, contextOf('admin-1'));
    expect(getSecretValueCalls).toBe(1);
    await first.requestState.mint(payload, contextOf('admin-1'));
    expect(getSecretValueCalls).toBe(1);

    const second = await container();
    expect(getSecretValueCalls).toBe(1);
    expect(await second.requestState.verify(state, contextOf('admin-1'))).toEqual(payload);
    expect(getSecretValueCalls).toBe(2);
    // Still bound to the caller: another admin cannot carry it over, on any container.
    await expect(second.requestState.verify(state, contextOf('admin-2'))).rejects.toThrow('bind');
    await expect(first.requestState.verify(`${state.slice(0, -2)}AA`, contextOf('admin-1'))).rejects.toThrow();
  });

  it('fails a round closed while the secret cannot be read, and reads it again on the next round', async () => {
    let attempts = 0;
    const codec = mcpRequestState(async () => {
      attempts++;
      if (attempts <= 2) throw new Error('GetSecretValue failed (HTTP 500)');
      return deriveRequestStateKey('x'.repeat(64));
    });
    // Asking: no state is sealed (executeToolCall answers an internal error; the tool does not run).
    await expect(codec.mint({ tool: 't' }, contextOf('admin-1'))).rejects.toThrow(/GetSecretValue failed/);
    // Answering: the state is not opened (the SDK answers -32602 before any handler runs).
    await expect(codec.verify('anything', contextOf('admin-1'))).rejects.toThrow(/GetSecretValue failed/);
    const state = await codec.mint({ tool: 't' }, contextOf('admin-1'));
    expect(await codec.verify(state, contextOf('admin-1'))).toEqual({ tool: 't' });
    expect(attempts).toBe(3);
  });

  it('derives a key of its own from the secret (not the secret itself, not the facade key of the same secret)', () => {
    const secret = 'y'.repeat(64);
    const key = deriveRequestStateKey(secret);
    expect(key).toHaveLength(32);
    expect(deriveRequestStateKey(secret)).toEqual(key);
    expect(Buffer.from(key).equals(Buffer.from(secret).subarray(0, 32))).toBe(false);
    for (const facadeKey of Object.values(deriveKeys(secret))) expect(facadeKey.equals(Buffer.from(key))).toBe(false);
  });
});
