import { ExplicitAuthFlowsType } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { type AppClientRequest, appClientInput } from '../../dcr/cognito-app-clients.js';
import { loadDcrConfig } from '../../dcr/config.js';
import { ConfigurationError } from '../../lib/config.js';

/**
 * What CreateUserPoolClient is asked for rotation: the grace from configuration, and an explicit
 * ExplicitAuthFlows list that never pairs rotation with ALLOW_REFRESH_TOKEN_AUTH (Cognito refuses
 * REFRESH_TOKEN_AUTH for rotating clients, and a missing list means its defaults, which include it).
 */
describe('refresh token rotation on dynamic app clients', () => {
  const env = {
    USER_POOL_ID: 'us-east-1_Test',
    CLIENTS_TABLE: 'clients',
    RESOURCE_SERVER_ID: 'https://mcp.example.com/mcp',
    PUBLIC_BASE_URL: 'https://mcp.example.com',
    RATE_LIMITS_TABLE: 'rate-limits',
  };
  const publicClient: AppClientRequest = { name: 'dcr x', scopes: ['s/read'], grantTypes: ['authorization_code', 'refresh_token'], confidential: false };

  it('defaults the retry grace to 60 s, the most Cognito allows', () => {
    expect(loadDcrConfig(env).appClientSettings).toMatchObject({ refreshTokenRotation: true, rotationGraceSeconds: 60 });
  });

  it.each(['61', '-1', '1.5', 'soon'])('refuses DCR_ROTATION_GRACE_SECONDS=%s at cold start', (value) => {
    expect(() => loadDcrConfig({ ...env, DCR_ROTATION_GRACE_SECONDS: value })).toThrow(ConfigurationError);
  });

  it('a public client rotates with the configured grace and allows no REFRESH_TOKEN_AUTH', () => {
    const settings = { ...loadDcrConfig({ ...env, DCR_ROTATION_GRACE_SECONDS: '0' }).appClientSettings };
    const input = appClientInput('us-east-1_Test', publicClient, settings);
    expect(input.RefreshTokenRotation).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 0 });
    expect(input.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH']);
  });

  it.each<[string, Partial<AppClientRequest>, boolean]>([
    ['a confidential client', { confidential: true }, true],
    ['a public client without the refresh grant', { grantTypes: ['authorization_code'] }, true],
    ['a public client with rotation switched off', {}, false],
  ])('%s does not rotate and keeps ALLOW_REFRESH_TOKEN_AUTH explicitly', (_name, change, rotation) => {
    const settings = { ...loadDcrConfig(env).appClientSettings, refreshTokenRotation: rotation };
    const input = appClientInput('us-east-1_Test', { ...publicClient, ...change }, settings);
    expect(input.RefreshTokenRotation).toBeUndefined();
    expect(input.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('every flow it sets is one Cognito knows (the SDK enum)', () => {
    const settings = loadDcrConfig(env).appClientSettings;
    for (const request of [publicClient, { ...publicClient, confidential: true }]) {
      for (const flow of appClientInput('us-east-1_Test', request, settings).ExplicitAuthFlows) {
        expect(Object.values(ExplicitAuthFlowsType)).toContain(flow);
      }
    }
  });
});
