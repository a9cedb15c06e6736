import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { jsonResponse } from '../lib/http/json-response.js';
import { headerValue, requestBodyBytes } from '../lib/http/request-body.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbAppGrants } from '../lib/app-grants.js';
import { loadTokenLifetimes, sessionRevocationSeconds } from '../lib/user-revocation.js';
import { dynamoDbCodeGrants } from './code-grants.js';
import { loadOAuthConfig } from './config.js';
import { OAuthError, asOAuthError } from './errors.js';
import { BASIC_CHALLENGE } from './token/client-authentication.js';
import { CognitoTokenError, cognitoTokenEndpoint } from './token/cognito-token-endpoint.js';
import { clientAssertionDependencies } from './client-auth/assertion-dependencies.js';
import { parseTokenForm } from './token/form.js';
import { handleTokenRequest } from './token/index.js';

/**
 * POST /token (and its CORS preflight). Any origin, no credentials: the endpoint holds no ambient
 * authority (no cookies; a code needs its PKCE verifier, the other grants a secret or a refresh
 * token), and browser clients such as the web Inspector call it directly. Logs name the client,
 * the grant and the outcome, never a code, verifier, token, secret or Authorization header.
 */
const logger = createLogger('oauth-token');
const config = loadOAuthConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const dependencies = {
  grants: dynamoDbCodeGrants(config.stateTable, documents),
  registry: dynamoDbClientRegistry(config.dcr.clientsTable, documents),
  issuer: config.issuer,
  assertions: clientAssertionDependencies(config, documents),
  cognito: cognitoTokenEndpoint(config.cognitoOAuthBaseUrl, config.cognitoTokenTimeoutMs),
  callbackUrl: config.callbackUrl,
  resource: config.resource,
  clientCredentialsEnabled: config.dcr.allowClientCredentials,
  now: () => Math.floor(Date.now() / 1000),
  appGrants: dynamoDbAppGrants({ grants: config.grantsTable, revocations: config.revocationsTable }, documents),
  sessionSeconds: sessionRevocationSeconds(loadTokenLifetimes()),
};

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function cors(origin: string | undefined): Record<string, string> {
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const origin = headerValue(event.headers, 'origin');
    if (event.httpMethod === 'OPTIONS') {
      return {
        statusCode: 204,
        headers: {
          ...cors(origin),
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
          ...NO_STORE,
        },
        body: '',
      };
    }
    let grant = 'unknown';
    try {
      const form = parseTokenForm(requestBodyBytes(event), headerValue(event.headers, 'content-type'));
      grant = ['authorization_code', 'refresh_token', 'client_credentials'].includes(form.grant_type ?? '') ? form.grant_type! : 'other';
      const outcome = await handleTokenRequest(form, headerValue(event.headers, 'authorization'), dependencies);
      logger.info('Token issued', { clientId: outcome.clientId, grant: outcome.grantType });
      return jsonResponse(200, outcome.body, { ...NO_STORE, ...cors(origin) });
    } catch (error) {
      const oauth = asOAuthError(error);
      if (!(error instanceof OAuthError)) logger.error('Token request failed', { error: error instanceof Error ? error.message : String(error) });
      else {
        // A failed client authentication says why (our own fixed words: no text of the request).
        const reason = oauth.code === 'invalid_client' && !(error instanceof CognitoTokenError) ? { reason: oauth.description } : {};
        logger.info('Token request refused', { grant, error: oauth.code, ...reason, ...(error instanceof CognitoTokenError && { cognitoError: error.cognitoError }) });
      }
      const status = oauth.code === 'server_error' ? 503 : oauth.status;
      const code = oauth.code === 'server_error' ? 'temporarily_unavailable' : oauth.code;
      const headers: Record<string, string> = { ...NO_STORE, ...cors(origin) };
      if (status === 401) headers['WWW-Authenticate'] = BASIC_CHALLENGE;
      if (status === 503) headers['Retry-After'] = '5';
      return jsonResponse(status, { error: code, error_description: status === 503 && !(error instanceof OAuthError) ? 'Try again later' : oauth.description }, headers);
    }
  });
