import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { cognitoAppClients } from '../dcr/cognito-app-clients.js';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { headerValue, requestBodyBytes } from '../lib/http/request-body.js';
import { createLogger } from '../lib/logger.js';
import { SCOPE_NAMES, fullScope } from './metadata.js';
import { runAuthorize } from './authorize/index.js';
import { resolveCimdClient } from '../dcr/cimd/cimd-clients.js';
import { dynamoDbCimdRegistry } from '../dcr/cimd/cimd-registry.js';
import { safeFetch, systemResolver, systemSocketOpener } from '../dcr/cimd/safe-fetch.js';
import { dynamoDbRateLimiter } from '../lib/rate-limit.js';
import { handleCallback } from './callback.js';
import { lookUpClient } from './client-lookup.js';
import { cognitoRedirect } from './cognito-authorize-url.js';
import { dynamoDbCodeGrants } from './code-grants.js';
import { loadOAuthConfig } from './config.js';
import { consentResponse, decideConsent, readConsentForm } from './consent.js';
import { errorPage } from './html.js';
import { sealingKeyring } from './keys.js';
import { redirectResponse } from './responses.js';

/**
 * The browser-facing endpoints of the facade, one function: GET /authorize, POST /consent and
 * GET /oauth/callback. Per request: /authorize reads the client's row (one DynamoDB round trip),
 * /consent none, the callback one transaction.
 */
const logger = createLogger('oauth-authorize');
const config = loadOAuthConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const registry = dynamoDbClientRegistry(config.dcr.clientsTable, documents);
const appClients = cognitoAppClients(config.dcr.userPoolId, config.dcr.appClientSettings);
const grants = dynamoDbCodeGrants(config.stateTable, documents);
const keyring = sealingKeyring(
  { secretId: config.keySecretId },
  { onRefreshError: (error) => logger.error('Re-reading the sealing key after an open failure failed', { error: String(error) }) },
);
const serverScopes = SCOPE_NAMES.map((name) => fullScope(config.resource, name));
const nowSeconds = () => Math.floor(Date.now() / 1000);

const cimdRegistry = dynamoDbCimdRegistry(config.dcr.clientsTable, documents);
const rateLimiter = dynamoDbRateLimiter(config.dcr.rateLimitsTable, documents);
const cimdPolicy = {
  hosts: { allowedHosts: config.cimd.allowedHosts, deniedHosts: config.cimd.deniedHosts, localOrigins: config.cimd.localOrigins },
  metadata: { httpsHosts: config.dcr.httpsHosts },
  resourceServerId: config.resource,
  allowedScopes: config.dcr.allowedScopes,
  cache: config.cimd.cache,
  callbackUrl: config.callbackUrl,
  rateLimit: config.cimd.rateLimit,
  maxClients: config.dcr.maxClients,
};
const fetchDocument = (url: URL, local: boolean) =>
  safeFetch(
    url,
    { resolve: systemResolver, openSocket: systemSocketOpener, maxBytes: config.cimd.maxDocumentBytes, timeoutMs: config.cimd.fetchTimeoutMs },
    { skipAddressRules: local },
  );

/** The pipeline's dependencies for one request (the CIMD rate limit is per source address). */
const authorizeDependencies = (sourceIp: string | undefined) => ({
  issuer: config.issuer,
  resource: config.resource,
  serverScopes,
  findClient: (clientId: string) =>
    lookUpClient(clientId, {
      registry,
      appClients,
      callbackUrl: config.callbackUrl,
      onMigrated: (id) => logger.info('Client migrated to the facade callback', { clientId: id }),
      onCimdRefused: (id, reason, detail) => logger.info('CIMD client refused', { clientId: id, reason, ...(detail && { detail }) }),
      ...(config.cimd.enabled && {
        cimd: (url: string) =>
          resolveCimdClient(url, cimdPolicy, {
            registry: cimdRegistry,
            countActiveAppClients: () => registry.countActiveAppClients(),
            appClients,
            fetchDocument,
            rateLimiter,
            onOrphan: (id, error) => logger.critical('CIMD registration failed and its app client could not be deleted', { clientId: id, error: String(error) }),
          }, { sourceIp }),
      }),
    }),
});

/**
 * Sealing uses the current key; `opening` names a blob this request must open (the consent form's
 * request, Cognito's state), whose key may be the previous one after a rotation (oauth/keys.ts).
 */
async function settings(opening?: { purpose: 'consent' | 'cognito-state'; sealed: string | undefined }) {
  const ring = await keyring();
  const sealing = ring.current();
  const opener = opening && (await ring.keyFor(opening.purpose, opening.sealed, nowSeconds()));
  return {
    issuer: config.issuer,
    cognitoOAuthBaseUrl: config.cognitoOAuthBaseUrl,
    callbackUrl: config.callbackUrl,
    ttlSeconds: config.requestTtlSeconds,
    stateKey: opening?.purpose === 'cognito-state' ? opener! : sealing['cognito-state'],
    consentKey: opening?.purpose === 'consent' ? opener! : sealing.consent,
    codeTtlSeconds: config.codeTtlSeconds,
    resourceName: 'this MCP server',
    refreshTokenDays: config.dcr.appClientSettings.refreshTokenDays,
  };
}

function rawQueryLength(event: APIGatewayProxyEvent): number {
  const query = event.multiValueQueryStringParameters ?? {};
  return Object.entries(query).reduce((sum, [name, values]) => sum + (values ?? []).reduce((n, v) => n + name.length + v.length + 2, 0), 0);
}

async function authorize(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const query = (event.multiValueQueryStringParameters ?? {}) as Record<string, string[] | undefined>;
  const outcome = await runAuthorize(query, rawQueryLength(event), authorizeDependencies(event.requestContext?.identity?.sourceIp));
  if (outcome.kind === 'error-page' || outcome.kind === 'redirect') {
    const log = outcome.error.code === 'server_error' ? logger.error.bind(logger) : logger.info.bind(logger);
    log('Authorization request refused', {
      error: outcome.error.code,
      description: outcome.error.description,
      answer: outcome.kind,
      ...(outcome.error.code === 'server_error' && { cause: outcome.cause instanceof Error ? outcome.cause.message : String(outcome.cause) }),
    });
    return outcome.kind === 'error-page'
      ? errorPage(outcome.error.code, outcome.error.description, outcome.error.status === 401 ? 400 : outcome.error.status)
      : redirectResponse(outcome.location);
  }
  const ctx = outcome.ctx;
  const current = await settings();
  logger.info('Authorization request accepted', { clientId: ctx.client!.clientId, consent: outcome.kind === 'consent' });
  if (outcome.kind === 'consent') return consentResponse(ctx, current, headerValue(event.headers, 'cookie'), nowSeconds());
  const client = ctx.client!;
  const redirect = cognitoRedirect(
    { cid: client.clientId, app: client.appClientId, ruri: ctx.redirectUri!, st: ctx.state, scp: ctx.scopes, off: ctx.offlineAccess, res: ctx.resource!, am: client.authMethod, pr: ctx.prompt },
    ctx.codeChallenge!,
    current,
    nowSeconds(),
  );
  return redirectResponse(redirect.location, [redirect.cookie]);
}

async function consent(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const form = readConsentForm(requestBodyBytes(event), headerValue(event.headers, 'content-type'));
  const decision = decideConsent(
    {
      form,
      cookieHeader: headerValue(event.headers, 'cookie'),
      origin: headerValue(event.headers, 'origin'),
      secFetchSite: headerValue(event.headers, 'sec-fetch-site'),
    },
    await settings({ purpose: 'consent', sealed: form?.request }),
    nowSeconds(),
  );
  if (decision.kind === 'refused') logger.warn('Consent refused', { reason: decision.reason });
  else logger.info('Consent decision', { decision: decision.kind, clientId: decision.clientId });
  return decision.response;
}

async function callback(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const query = event.multiValueQueryStringParameters ?? {};
  const sealed = query.state?.length === 1 ? query.state[0] : undefined;
  const outcome = await handleCallback(query, headerValue(event.headers, 'cookie'), await settings({ purpose: 'cognito-state', sealed }), grants, nowSeconds());
  if (outcome.kind === 'page') logger.warn('Callback refused', { reason: outcome.reason });
  else logger.info('Authorization response sent', { clientId: outcome.clientId, result: outcome.result, cognitoError: query.error?.[0]?.slice(0, 40) });
  return outcome.response;
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      if (event.resource === '/authorize' && event.httpMethod === 'GET') return await authorize(event);
      if (event.resource === '/consent' && event.httpMethod === 'POST') return await consent(event);
      if (event.resource === '/oauth/callback' && event.httpMethod === 'GET') return await callback(event);
      return errorPage('invalid_request', 'No such page.', 404);
    } catch (error) {
      logger.error('Authorization endpoint failed', error as Error);
      return errorPage('temporarily_unavailable', 'The sign-in service is temporarily unavailable. Try again in a moment.', 503);
    }
  });
