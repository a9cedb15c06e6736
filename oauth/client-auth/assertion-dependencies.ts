import type { Documents } from '../../lib/dynamodb/documents.js';
import { safeFetch, systemResolver, systemSocketOpener } from '../../dcr/cimd/safe-fetch.js';
import type { OAuthConfig } from '../config.js';
import type { AssertionDependencies } from './assertion.js';
import { MAX_JWKS_BYTES, jwksCache } from './jwks-cache.js';
import { dynamoDbUsedAssertions } from './jti-store.js';

/**
 * What verifying client assertions needs in a function (/token, /revoke), built once at cold
 * start: the JWKS cache over the CIMD fetch (the operator's CIMD host rules and time limit, a
 * 64 KB size limit) and the used-jti records in the OAuthStateTable.
 */
export function clientAssertionDependencies(config: Pick<OAuthConfig, 'cimd' | 'stateTable'>, documents: Documents): AssertionDependencies {
  const { cimd } = config;
  return {
    jwks: jwksCache({
      fetch: (url, local) =>
        safeFetch(url, { resolve: systemResolver, openSocket: systemSocketOpener, maxBytes: MAX_JWKS_BYTES, timeoutMs: cimd.fetchTimeoutMs }, { skipAddressRules: local }),
      hosts: { allowedHosts: cimd.allowedHosts, deniedHosts: cimd.deniedHosts, localOrigins: cimd.localOrigins },
    }),
    usedAssertions: dynamoDbUsedAssertions(config.stateTable, documents),
  };
}
