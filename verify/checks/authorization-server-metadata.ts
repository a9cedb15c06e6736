import { buildDiscoveryUrls, discoverAuthorizationServerMetadata } from '@modelcontextprotocol/client';
import { type Check, causeOf, fail } from '../checklist.js';
import type { AuthorizationServerMetadata, VerifyContext } from '../context.js';
import { REQUEST_TIMEOUT_MS, isHttpsOrLoopback, jsonObject, request } from '../http.js';

/**
 * RFC 8414 discovery as a client does it: the URLs the official client tries, in its order (the
 * MCP spec's: RFC 8414 and OpenID with the issuer's path inserted, then OpenID's appended), the
 * issuer exactly the URL the document was derived from; then the client's own discovery must
 * accept the document too (its schema, its issuer rule).
 */
export const authorizationServerMetadataCheck: Check<VerifyContext> = {
  id: 'as-metadata',
  title: 'Authorization server metadata (RFC 8414): found, issuer equal to its URL, endpoints https',
  needs: ['resource-metadata'],
  async run(context) {
    const issuer = context.resource!.authorizationServer;
    const tried: string[] = [];
    for (const { url: candidate } of buildDiscoveryUrls(issuer)) {
      const url = candidate.href;
      const response = await request(url, { headers: { Accept: 'application/json' } });
      if (response.status !== 200) {
        await response.body?.cancel();
        // Clients go on to the next URL after a 4xx or 502; any other 5xx ends their discovery.
        if (response.status >= 500 && response.status !== 502) fail(`${url} answered HTTP ${response.status}: clients stop discovery there`);
        tried.push(`${url} → ${response.status}`);
        continue;
      }
      const metadata = (await jsonObject(response, `the metadata at ${url}`)) as AuthorizationServerMetadata;
      // RFC 8414 §3.3 and the MCP spec: a client must refuse metadata whose issuer differs.
      if (metadata.issuer !== issuer) fail(`issuer ${JSON.stringify(metadata.issuer)} differs from ${issuer}, the URL its metadata was fetched from (${url}); clients refuse it (check publicBaseUrl)`);
      for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
        if (!isHttpsOrLoopback(metadata[field])) fail(`${field} is missing or not an https URL: ${JSON.stringify(metadata[field])}`);
      }
      const fetchFn = (input: string | URL, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await discoverAuthorizationServerMetadata(issuer, { fetchFn }).catch((error: unknown) => fail(`the MCP SDK client's discovery refuses it: ${causeOf(error)}`));
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
