import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbClientRegistry } from '../dcr/client-registry.js';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { headerValue } from '../lib/http/request-body.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbAppGrants } from '../lib/app-grants.js';
import { loadTokenLifetimes, sessionRevocationSeconds } from '../lib/user-revocation.js';
import { dynamoDbCodeGrants } from './code-grants.js';
import { loadOAuthConfig } from './config.js';
import { OAuthError } from './errors.js';
import { clientAssertionDependencies } from './client-auth/assertion-dependencies.js';
import { tokenErrorAnswer, tokenPreflight, tokensAnswer } from './token/answers.js';
import { CognitoTokenError, cognitoTokenEndpoint } from './token/cognito-token-endpoint.js';
import { newTokenContext } from './token/context.js';
import { loggedGrant } from './token/grant-type.js';
import { handleTokenRequest } from './token/index.js';

/**
 * POST /token (and its CORS preflight, any origin: browser clients such as the web Inspector call
 * it directly; token/answers.ts says why that is safe). Its steps, in order: token/index.ts,
 * TOKEN_STEPS. Logs name the client, the grant and the outcome, never a code, verifier, token,
 * secret or Authorization header.
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

function logRefusal(error: unknown, grant: string): void {
  if (!(error instanceof OAuthError)) {
    logger.error('Token request failed', { error: error instanceof Error ? error.message : String(error) });
    return;
  }
  // A failed client authentication says why (our own fixed words: no text of the request).
  const reason = error.code === 'invalid_client' && !(error instanceof CognitoTokenError) ? { reason: error.description } : {};
  logger.info('Token request refused', { grant, error: error.code, ...reason, ...(error instanceof CognitoTokenError && { cognitoError: error.cognitoError }) });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const origin = headerValue(event.headers, 'origin');
    if (event.httpMethod === 'OPTIONS') return tokenPreflight(origin);
    const ctx = newTokenContext(event);
    try {
      const outcome = await handleTokenRequest(ctx, dependencies);
      logger.info('Token issued', { clientId: outcome.clientId, grant: outcome.grantType });
      return tokensAnswer(outcome, origin);
    } catch (error) {
      logRefusal(error, loggedGrant(ctx.form));
      return tokenErrorAnswer(error, origin);
    }
  });
