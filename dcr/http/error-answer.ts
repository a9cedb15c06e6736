import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../lib/http/json-response.js';
import { RegistrationError } from '../client-metadata.js';
import { ClientCapacityError, InvalidTokenError, RateLimitedError, RegistrationInProgressError } from '../errors.js';
import { PayloadTooLargeError } from '../registration-request.js';

const MAX_COGNITO_MESSAGE = 500;
const registrationError = (error: RegistrationError) =>
  jsonResponse(400, { error: error.code, error_description: error.description });

/** A refusal of a registration endpoint as its answer (RFC 7591 §3.2.2, RFC 7592, RFC 6750 §3); anything unexpected is a 500. */
export function errorAnswer(error: unknown, logger: Logger): APIGatewayProxyResult {
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
