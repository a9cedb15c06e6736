import { describe, expect, it } from 'vitest';
import {
  MCP_PATH,
  type MetadataSettings,
  SCOPE_NAMES,
  authorizationServerMetadata,
  fullScope,
  protectedResourceMetadata,
} from '../../oauth/metadata.js';

const settings: MetadataSettings = {
  publicBaseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
  cognitoOAuthBaseUrl: 'https://auth.example.auth.eu-west-1.amazoncognito.com',
  resourceServerId: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp',
  clientScopes: ['read', 'write'],
};

describe('constants', () => {
  it('serves MCP at /mcp and knows read, write and admin', () => {
    expect(MCP_PATH).toBe('/mcp');
    expect(SCOPE_NAMES).toEqual(['read', 'write', 'admin']);
  });

  it('builds full scopes as {resourceServerId}/{name}', () => {
    expect(fullScope('https://api.example.com/mcp', 'admin')).toBe('https://api.example.com/mcp/admin');
  });
});

describe('protectedResourceMetadata', () => {
  const metadata = protectedResourceMetadata(settings);

  it('names the MCP endpoint as the resource', () => {
    expect(metadata.resource).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp');
  });

  it('names the API itself as the only authorization server', () => {
    expect(metadata.authorization_servers).toEqual(['https://abc.execute-api.eu-west-1.amazonaws.com/prod']);
  });

  it('lists exactly the client scopes, in full', () => {
    expect(metadata.scopes_supported).toEqual([
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/read',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/write',
    ]);
  });

  it('accepts tokens in the Authorization header only', () => {
    expect(metadata.bearer_methods_supported).toEqual(['header']);
  });

  it('follows the base URL it is given', () => {
    const local = protectedResourceMetadata({ ...settings, publicBaseUrl: 'http://localhost:3000' });
    expect(local.resource).toBe('http://localhost:3000/mcp');
    expect(local.authorization_servers).toEqual(['http://localhost:3000']);
  });
});

describe('authorizationServerMetadata', () => {
  const metadata = authorizationServerMetadata(settings);

  it('uses the API base URL as issuer, the one the resource metadata points to', () => {
    expect(metadata.issuer).toBe(settings.publicBaseUrl);
    expect(protectedResourceMetadata(settings).authorization_servers).toEqual([metadata.issuer]);
  });

  it('points the OAuth endpoints at the facade, never at Cognito', () => {
    expect(metadata.authorization_endpoint).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/authorize');
    expect(metadata.token_endpoint).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/token');
    expect(JSON.stringify(authorizationServerMetadata(settings))).not.toContain('amazoncognito.com');
  });

  it('advertises iss in authorization responses (RFC 9207)', () => {
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('advertises CIMD only when the operator enables it', () => {
    expect(metadata.client_id_metadata_document_supported).toBe(false);
    expect(authorizationServerMetadata({ ...settings, clientIdMetadataDocuments: true }).client_id_metadata_document_supported).toBe(true);
  });

  it('lists offline_access in the authorization server metadata only, never in the resource metadata', () => {
    expect(metadata.scopes_supported).toContain('offline_access');
    expect(protectedResourceMetadata(settings).scopes_supported).not.toContain('offline_access');
  });

  it('points registration at the API', () => {
    expect(metadata.registration_endpoint).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/register');
  });

  it('requires PKCE with S256 only', () => {
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('lists only the client scopes', () => {
    expect(metadata.scopes_supported).toEqual([
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/read',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/write',
      'offline_access',
    ]);
    expect(metadata.scopes_supported.some((scope) => scope.endsWith('/admin'))).toBe(false);
  });

  it('lists admin when the operator grants it to clients', () => {
    const withAdmin = authorizationServerMetadata({ ...settings, clientScopes: ['read', 'admin'] });
    expect(withAdmin.scopes_supported).toEqual([
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/read',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp/admin',
      'offline_access',
    ]);
  });

  it('describes public clients using the authorization code flow', () => {
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.response_modes_supported).toEqual(['query']);
    expect(metadata.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post']);
    expect(metadata.revocation_endpoint).toBe(`${metadata.issuer}/revoke`);
  });

  it('lists private_key_jwt and its signing algorithms only when metadata documents are accepted', () => {
    const cimd = authorizationServerMetadata({ ...settings, clientIdMetadataDocuments: true });
    expect(cimd.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']);
    expect(cimd.revocation_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']);
    expect(cimd.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    expect(cimd.revocation_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    expect(metadata).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
  });
});
