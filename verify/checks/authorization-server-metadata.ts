import { type Check, fail } from '../checklist.js';
import type { AuthorizationServerMetadata, VerifyContext } from '../context.js';
import { isHttpsOrLoopback, jsonObject, request } from '../http.js';

/**
 * The metadata URLs an MCP client tries for an authorization server, in the order the MCP
 * authorization spec (2025-11-25, "Authorization Server Metadata Discovery") gives: RFC 8414 and
 * OpenID discovery with the issuer's path inserted after the well-known segment, then OpenID's
 * path appended. An issuer without a path has only the first two.
 */
export function metadataUrlsFor(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path) return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** RFC 8414 discovery as a client does it; the issuer must be exactly the URL the document was derived from. */
export const authorizationServerMetadataCheck: Check<VerifyContext> = {
  id: 'as-metadata',
  title: 'Authorization server metadata (RFC 8414): found, issuer equal to its URL, endpoints https',
  needs: ['resource-metadata'],
  async run(context) {
    const issuer = context.resource!.authorizationServer;
    const tried: string[] = [];
    for (const url of metadataUrlsFor(issuer)) {
      const response = await request(url, { headers: { Accept: 'application/json' } });
      if (response.status !== 200) {
        await response.body?.cancel();
        tried.push(`${url} → ${response.status}`);
        continue;
      }
      const metadata = (await jsonObject(response, `the metadata at ${url}`)) as AuthorizationServerMetadata;
      // RFC 8414 §3.3 and the MCP spec: a client must refuse metadata whose issuer differs.
      if (metadata.issuer !== issuer) fail(`issuer ${JSON.stringify(metadata.issuer)} differs from ${issuer}, the URL its metadata was fetched from (${url}); clients refuse it (check publicBaseUrl)`);
      for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
        if (!isHttpsOrLoopback(metadata[field])) fail(`${field} is missing or not an https URL: ${JSON.stringify(metadata[field])}`);
      }
      context.authorizationServer = { metadataUrl: url, metadata, issuer };
      const skipped = tried.length ? ` (not served: ${tried.join(', ')}; clients that follow the MCP discovery order still find it)` : '';
      return `${url}${skipped}`;
    }
    return fail(`no metadata document: ${tried.join(', ')}`);
  },
};

interface MetadataRequirement {
  id: string;
  title: string;
  /** The cause when the document does not meet it, or undefined. */
  problem(metadata: AuthorizationServerMetadata): string | undefined;
}

/** What an MCP client of 2026 relies on in the authorization server metadata, one line each. */
const METADATA_REQUIREMENTS: readonly MetadataRequirement[] = [
  {
    id: 'pkce-s256',
    title: 'PKCE S256 advertised (code_challenge_methods_supported)',
    problem: ({ code_challenge_methods_supported: methods }) =>
      Array.isArray(methods) && methods.includes('S256') ? undefined : `code_challenge_methods_supported is ${JSON.stringify(methods)}: MCP clients refuse to sign in without S256`,
  },
  {
    id: 'cimd',
    title: 'Client ID Metadata Documents advertised (client_id_metadata_document_supported)',
    problem: ({ client_id_metadata_document_supported: supported }) =>
      supported === true ? undefined : `client_id_metadata_document_supported is ${JSON.stringify(supported)}: Claude, VS Code and ChatGPT fall back to DCR (is cimdAllowedHosts 'none'?)`,
  },
  {
    id: 'iss-parameter',
    title: 'RFC 9207 iss in authorization responses advertised (authorization_response_iss_parameter_supported)',
    problem: ({ authorization_response_iss_parameter_supported: supported }) =>
      supported === true ? undefined : `authorization_response_iss_parameter_supported is ${JSON.stringify(supported)}: clients cannot detect an authorization server mix-up`,
  },
  {
    id: 'registration-endpoint',
    title: 'Dynamic client registration endpoint advertised (registration_endpoint)',
    problem: ({ registration_endpoint: endpoint }) =>
      isHttpsOrLoopback(endpoint) ? undefined : `registration_endpoint is ${JSON.stringify(endpoint)}: clients without CIMD cannot register`,
  },
];

export const metadataRequirementChecks: Check<VerifyContext>[] = METADATA_REQUIREMENTS.map((requirement) => ({
  id: requirement.id,
  title: requirement.title,
  needs: ['as-metadata'],
  async run(context) {
    const problem = requirement.problem(context.authorizationServer!.metadata);
    if (problem) fail(problem);
  },
}));
