import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../lib/http/json-response.js';
import { createLogger } from '../lib/logger.js';
import { parseClientMetadata, RegistrationError } from './client-metadata.js';
import { dynamoDbClientRegistry } from './client-registry.js';
import { cognitoAppClients } from './cognito-app-clients.js';
import { loadDcrConfig } from './config.js';
import { registerClient } from './register-client.js';
import { PayloadTooLargeError, readRegistrationBody } from './registration-request.js';

const logger = createLogger('dcr');
const config = loadDcrConfig();
const dependencies = {
  appClients: cognitoAppClients(config.userPoolId),
  registry: dynamoDbClientRegistry(config.clientsTable),
  onOrphan: (clientId: string, error: unknown) =>
    logger.critical('Registration failed and its Cognito app client could not be deleted', {
      clientId,
      error: error instanceof Error ? error.message : String(error),
    }),
};

const registrationError = (error: RegistrationError) =>
  jsonResponse(400, { error: error.code, error_description: error.description });

async function register(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const metadata = parseClientMetadata(readRegistrationBody(event, config.maxBodyBytes));
  const registration = await registerClient(metadata, config, dependencies);
  logger.info('Client registered', {
    clientId: registration.client_id,
    clientName: registration.client_name,
    redirectUris: metadata.redirect_uris,
  });
  return jsonResponse(201, registration);
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      return await register(event);
    } catch (error) {
      if (error instanceof RegistrationError) return registrationError(error);
      if (error instanceof PayloadTooLargeError) {
        return jsonResponse(413, { error: 'invalid_client_metadata', error_description: error.message });
      }
      if (error instanceof Error && error.name === 'InvalidParameterException') {
        // Cognito's own rules (e.g. its redirect URI rules) refused what our checks let through.
        logger.warn('Cognito refused the client metadata', { message: error.message });
        return registrationError(new RegistrationError('invalid_client_metadata', `Refused by the authorization server: ${error.message}`));
      }
      logger.error('Registration failed', error as Error);
      return jsonResponse(500, { error: 'server_error', error_description: 'Registration failed; try again later' });
    }
  });
