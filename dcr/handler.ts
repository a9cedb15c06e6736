import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { registrationCorsPolicy } from '../lib/http/cors.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbRateLimiter } from '../lib/rate-limit.js';
import { createDcrMetrics, recordClientCount } from './client-count-metric.js';
import { dynamoDbClientRegistry } from './client-registry.js';
import { cognitoAppClients } from './cognito-app-clients.js';
import { loadDcrConfig } from './config.js';
import { type DcrEndpoint, answerDcrRequest } from './http/context.js';
import { MANAGE_STEPS } from './manage/index.js';
import { REGISTER_STEPS } from './register/index.js';
import { dynamoDbRegistrationClaims } from './registration-claim.js';

/**
 * POST /register and GET/PUT/DELETE /register/{client_id}, with their CORS preflights. Their
 * steps, in order: register/index.ts (REGISTER_STEPS, then registerClient) and manage/index.ts
 * (MANAGE_STEPS).
 */
const logger = createLogger('dcr');
const metrics = createDcrMetrics();
const config = loadDcrConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const reportInconsistency = (clientId: string, what: string, error: unknown) =>
  logger.critical(what, { clientId, error: error instanceof Error ? error.message : String(error) });
const endpoint: DcrEndpoint = {
  cors: registrationCorsPolicy(config.allowedOrigins),
  policy: {
    resourceServerId: config.resourceServerId,
    allowedScopes: config.allowedScopes,
    publicBaseUrl: config.publicBaseUrl,
    callbackUrl: config.appClientSettings.callbackUrl,
    rateLimit: config.rateLimit,
    maxClients: config.maxClients,
    idempotencySeconds: config.idempotencySeconds,
  },
  metadataPolicy: { allowClientCredentials: config.allowClientCredentials, httpsHosts: config.httpsHosts },
  maxBodyBytes: config.maxBodyBytes,
  initialAccessTokenSha256: config.initialAccessTokenSha256,
  dependencies: {
    appClients: cognitoAppClients(config.userPoolId, config.appClientSettings),
    registry: dynamoDbClientRegistry(config.clientsTable, documents),
    rateLimiter: dynamoDbRateLimiter(config.rateLimitsTable, documents),
    claims: dynamoDbRegistrationClaims(config.rateLimitsTable, documents),
    onOrphan: (clientId: string, error: unknown) =>
      reportInconsistency(clientId, 'Registration failed and its Cognito app client could not be deleted', error),
    onClientCount: (count: number) => recordClientCount(metrics, count),
    onInconsistency: reportInconsistency,
  },
  logger,
};

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event) => answerDcrRequest(event.resource === '/register' ? REGISTER_STEPS : MANAGE_STEPS, event, endpoint));
