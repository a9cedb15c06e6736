import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDbDocumentsFromEnvironment } from '../lib/dynamodb/documents.js';
import { checkOrigin, corsHeaders, preflightHeaders, registrationCorsPolicy } from '../lib/http/cors.js';
import { jsonResponse } from '../lib/http/json-response.js';
import { headerValue } from '../lib/http/request-body.js';
import { createLogger } from '../lib/logger.js';
import { dynamoDbRateLimiter } from '../lib/rate-limit.js';
import { createDcrMetrics, recordClientCount } from './client-count-metric.js';
import { parseClientMetadata, RegistrationError } from './client-metadata.js';
import { dynamoDbClientRegistry } from './client-registry.js';
import { cognitoAppClients } from './cognito-app-clients.js';
import { loadDcrConfig } from './config.js';
import { ClientCapacityError, InvalidTokenError, RateLimitedError, RegistrationInProgressError } from './errors.js';
import { authenticateManagement, deleteRegistration, readRegistration, updateRegistration } from './manage-client.js';
import { registerClient } from './register-client.js';
import { dynamoDbRegistrationClaims } from './registration-claim.js';
import { bearerToken, tokenMatchesHash } from './registration-token.js';
import { PayloadTooLargeError, readRegistrationBody } from './registration-request.js';

const logger = createLogger('dcr');
const metrics = createDcrMetrics();
const config = loadDcrConfig();
const documents = dynamoDbDocumentsFromEnvironment();
const appClients = cognitoAppClients(config.userPoolId, config.appClientSettings);
const registry = dynamoDbClientRegistry(config.clientsTable, documents);
const policy = {
  resourceServerId: config.resourceServerId,
  allowedScopes: config.allowedScopes,
  publicBaseUrl: config.publicBaseUrl,
  callbackUrl: config.appClientSettings.callbackUrl,
  rateLimit: config.rateLimit,
  maxClients: config.maxClients,
  idempotencySeconds: config.idempotencySeconds,
};
const cors = registrationCorsPolicy(config.allowedOrigins);
const metadataPolicy = { allowClientCredentials: config.allowClientCredentials, httpsHosts: config.httpsHosts };
const reportInconsistency = (clientId: string, what: string, error: unknown) =>
  logger.critical(what, { clientId, error: error instanceof Error ? error.message : String(error) });
const dependencies = {
  appClients,
  registry,
  rateLimiter: dynamoDbRateLimiter(config.rateLimitsTable, documents),
  claims: dynamoDbRegistrationClaims(config.rateLimitsTable, documents),
  onOrphan: (clientId: string, error: unknown) =>
    reportInconsistency(clientId, 'Registration failed and its Cognito app client could not be deleted', error),
  onClientCount: (count: number) => recordClientCount(metrics, count),
  onInconsistency: reportInconsistency,
};

const MAX_COGNITO_MESSAGE = 500;
const registrationError = (error: RegistrationError) =>
  jsonResponse(400, { error: error.code, error_description: error.description });

async function register(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (config.initialAccessTokenSha256) {
    const token = bearerToken(headerValue(event.headers, 'authorization'));
    if (!token || !tokenMatchesHash(token, config.initialAccessTokenSha256)) {
      throw new InvalidTokenError('This server requires an initial access token (RFC 7591 §3) to register clients', token !== undefined);
    }
  }
  const metadata = parseClientMetadata(readRegistrationBody(event, config.maxBodyBytes), metadataPolicy);
  const registration = await registerClient(metadata, policy, dependencies, {
    sourceIp: event.requestContext?.identity?.sourceIp,
  });
  logger.info(registration.created ? 'Client registered' : 'Identical recent registration returned', {
    clientId: registration.body.client_id,
    clientName: registration.body.client_name,
    redirectUris: metadata.redirect_uris,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
  });
  return jsonResponse(201, registration.body);
}

async function manage(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const clientId = event.pathParameters?.client_id ?? '';
  const record = await authenticateManagement(clientId, bearerToken(headerValue(event.headers, 'authorization')), registry);
  switch (event.httpMethod) {
    case 'GET':
      return jsonResponse(200, readRegistration(record, policy));
    case 'PUT': {
      const body = readRegistrationBody(event, config.maxBodyBytes) as Record<string, unknown>;
      const metadata = parseClientMetadata(body, metadataPolicy);
      const updated = await updateRegistration(record, metadata, body, policy, dependencies);
      logger.info('Client registration updated', { clientId });
      return jsonResponse(200, updated);
    }
    case 'DELETE': {
      const { completed } = await deleteRegistration(record, dependencies);
      logger.info('Client registration deleted', { clientId, completed });
      return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
    }
    default:
      return jsonResponse(405, { error: 'invalid_request', error_description: 'Method not allowed' }, { Allow: 'GET, PUT, DELETE' });
  }
}

function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof RegistrationError) return registrationError(error);
  if (error instanceof PayloadTooLargeError) {
    return jsonResponse(413, { error: 'invalid_client_metadata', error_description: error.message });
  }
  if (error instanceof InvalidTokenError) {
    // RFC 6750 §3. API Gateway delivers a Lambda's WWW-Authenticate renamed
    // (x-amzn-Remapped-WWW-Authenticate), so the body carries the error as well.
    const challenge = error.tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer';
    return jsonResponse(401, { error: 'invalid_token', error_description: error.message }, { 'WWW-Authenticate': challenge });
  }
  if (error instanceof RateLimitedError || error instanceof RegistrationInProgressError) {
    return jsonResponse(429, { error: 'slow_down', error_description: error.message }, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof ClientCapacityError) {
    logger.warn('Dynamic client cap reached', { maxClients: error.maxClients });
    return jsonResponse(503, { error: 'temporarily_unavailable', error_description: error.message });
  }
  if (error instanceof Error && error.name === 'InvalidParameterException') {
    // Cognito's own rules (e.g. its redirect URI rules) refused what our checks let through. Its
    // message may quote the metadata back: bounded, in the log line and in the answer.
    const message = error.message.slice(0, MAX_COGNITO_MESSAGE);
    logger.warn('Cognito refused the client metadata', { message });
    return registrationError(new RegistrationError('invalid_client_metadata', `Refused by the authorization server: ${message}`));
  }
  logger.error('Registration request failed', error as Error);
  return jsonResponse(500, { error: 'server_error', error_description: 'Registration failed; try again later' });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const origin = checkOrigin(headerValue(event.headers, 'origin'), cors);
    if (origin.kind === 'refused') {
      // Web pages of unknown origins may not register clients from a visitor's browser.
      return jsonResponse(403, { error: 'access_denied', error_description: 'Requests from this origin are not allowed' });
    }
    if (event.httpMethod === 'OPTIONS') {
      return { statusCode: 204, headers: { ...preflightHeaders(origin, cors), 'Cache-Control': 'no-store' }, body: '' };
    }
    let response: APIGatewayProxyResult;
    try {
      response = event.resource === '/register' ? await register(event) : await manage(event);
    } catch (error) {
      response = errorResponse(error);
    }
    return { ...response, headers: { ...response.headers, ...corsHeaders(origin, cors) } };
  });
