import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import { describe, expect, it } from 'vitest';
import { type MetadataSettings, authorizationServerMetadata, openIdConfiguration } from '../../oauth/metadata.js';

/**
 * Discovery by the MCP SDK client for both shapes of deployment URL. The API serves its
 * documents under its base URL only (API Gateway routes every path below the stage); this test
 * plays API Gateway with a fetch that answers only the paths the API really routes, and lets the
 * SDK's own discovery pick the URLs it tries.
 */
const shapes = [
  ['a custom domain at the root', 'https://mcp.example.com'],
  ['the execute-api URL with the stage in the path', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod'],
] as const;

const settingsFor = (publicBaseUrl: string): MetadataSettings => ({
  publicBaseUrl,
  cognitoOAuthBaseUrl: 'https://mcp-prod.auth.eu-west-1.amazoncognito.com',
  resourceServerId: `${publicBaseUrl}/mcp`,
  clientScopes: ['read', 'write'],
  jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json',
});

function apiGateway(publicBaseUrl: string) {
  const settings = settingsFor(publicBaseUrl);
  const routes: Record<string, unknown> = {
    [`${publicBaseUrl}/.well-known/oauth-authorization-server`]: authorizationServerMetadata(settings),
    [`${publicBaseUrl}/.well-known/openid-configuration`]: openIdConfiguration(settings),
  };
  const requested: string[] = [];
  const fetchFn = async (input: string | URL) => {
    const url = String(input);
    requested.push(url);
    const document = routes[url];
    return document === undefined
      ? new Response('{"error":"not_found"}', { status: 404, headers: { 'Content-Type': 'application/json' } })
      : Response.json(document);
  };
  return { fetchFn, requested };
}

describe.each(shapes)('authorization server discovery with %s', (_shape, publicBaseUrl) => {
  it('the SDK finds metadata whose issuer is the URL it started from', async () => {
    const gateway = apiGateway(publicBaseUrl);
    const metadata = await discoverAuthorizationServerMetadata(publicBaseUrl, { fetchFn: gateway.fetchFn });
    expect(metadata).toBeDefined();
    expect(metadata!.issuer).toBe(publicBaseUrl);
    expect(metadata!.registration_endpoint).toBe(`${publicBaseUrl}/register`);
    // (The SDK's OpenID schema keeps fewer fields than the document has; the next test checks the document.)
    expect(metadata!.code_challenge_methods_supported).toEqual(['S256']);
    // What the SDK fetched is a path the API serves.
    expect(Object.keys(await gateway.fetchFn(gateway.requested.at(-1)!).then((r) => r.json()))).toContain('issuer');
  });

  it('both documents agree on every OAuth field', () => {
    const settings = settingsFor(publicBaseUrl);
    const oauth = authorizationServerMetadata(settings);
    const oidc = openIdConfiguration(settings);
    for (const [key, value] of Object.entries(oauth)) expect(oidc[key as keyof typeof oidc], key).toEqual(value);
    expect(oidc).toMatchObject({ jwks_uri: settings.jwksUri, subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
  });
});

describe('what the stage path changes', () => {
  it('with the stage in the path the SDK reaches the OpenID path below the stage, the only one the API can serve', async () => {
    const base = shapes[1][1];
    const gateway = apiGateway(base);
    await discoverAuthorizationServerMetadata(base, { fetchFn: gateway.fetchFn });
    expect(gateway.requested.at(-1)).toBe(`${base}/.well-known/openid-configuration`);
    // RFC 8414's path-inserted URL lies outside the stage, so the API never sees it.
    expect(gateway.requested[0]).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/.well-known/oauth-authorization-server/prod');
  });

  it('at the root the SDK finds the RFC 8414 document first', async () => {
    const base = shapes[0][1];
    const gateway = apiGateway(base);
    await discoverAuthorizationServerMetadata(base, { fetchFn: gateway.fetchFn });
    expect(gateway.requested).toEqual([`${base}/.well-known/oauth-authorization-server`]);
  });
});
